"""Rules: mobility (see oversight/rules/__init__.py)."""
