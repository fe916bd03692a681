"""Rules: transfers (see oversight/rules/__init__.py)."""
