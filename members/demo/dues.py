"""Two years of dues in the demo county (issue 11): standards, payments, realistic arrears."""

from __future__ import annotations

from core.demo import DemoContext


def create_dues(ctx: DemoContext) -> int:
    """Standards and payments for the demo's members; the number of payments made."""
    return 0
