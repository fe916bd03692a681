"""Rules: certificates (see oversight/rules/__init__.py)."""
