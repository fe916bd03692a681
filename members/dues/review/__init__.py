"""Dues: the review pages."""
