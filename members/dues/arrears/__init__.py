"""Dues: the arrears pages."""
