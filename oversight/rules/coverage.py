"""Rules: coverage (see oversight/rules/__init__.py)."""
