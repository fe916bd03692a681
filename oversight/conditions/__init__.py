"""What the branch records for the six-month rule: proper reasons and assigned work."""
