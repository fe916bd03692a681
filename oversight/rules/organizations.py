"""Rules: organizations (see oversight/rules/__init__.py)."""
