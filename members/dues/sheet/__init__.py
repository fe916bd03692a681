"""Dues: the sheet pages."""
