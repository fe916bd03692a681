"""The run log's durations: H:MM:SS, to the second (the run log compares nights, not
microseconds)."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def elapsed(value: dt.timedelta | None) -> str:
    """ "0:03:27"; "—" for a run that has not finished."""
    if value is None:
        return "—"
    return str(dt.timedelta(seconds=round(value.total_seconds())))
