"""A year of meetings and attendance in the demo county (filled in by issue 10's meetings work)."""

from __future__ import annotations

from core.demo import DemoContext


def create_meetings(ctx: DemoContext) -> tuple[int, int]:
    """(meetings, attendance rows) made."""
    del ctx
    return 0, 0
