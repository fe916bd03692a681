"""Dues: the history pages."""
