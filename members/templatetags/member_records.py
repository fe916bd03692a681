"""Template helpers for the small records kept about a member (contacts, reports, finding
attempts): one markup lists them all, on the member's page and on the five cards."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django import template

register = template.Library()


class RecordRow(NamedTuple):
    """One line of a record list: when, how, by whom, and what."""

    date: Any
    channel: str
    by: Any
    text: str


@register.filter
def record_rows(records: Iterable[Any], columns: str) -> list[RecordRow]:
    """The records as rows, given the names of their date, person and text fields
    (`"contacted_on recorded_by summary"`); every record kind has a `channel`."""
    date, by, text = columns.split()
    return [
        RecordRow(
            getattr(record, date),
            record.get_channel_display(),
            getattr(record, by),
            getattr(record, text),
        )
        for record in records
    ]
