"""Template helpers for the logs kept about a member (contacts, reports, finding attempts): one
markup lists them all, on the member's page and on the five cards."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from members.models.records import LogRecord, RecordRow

register = template.Library()


@register.filter
def record_rows(records: Iterable[LogRecord]) -> list[RecordRow]:
    """The records as rows: date, channel, who, what (each kind names its own fields)."""
    return [record.row for record in records]
