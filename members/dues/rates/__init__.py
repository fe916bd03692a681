"""Dues: the rates pages."""
