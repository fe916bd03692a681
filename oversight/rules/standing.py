"""Rules: standing (see oversight/rules/__init__.py)."""
