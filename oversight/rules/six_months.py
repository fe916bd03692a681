"""Rules: six_months (see oversight/rules/__init__.py)."""
