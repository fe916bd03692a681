"""What the members' Excel imports (`ledger` modules' `IMPORTS`: outflow registrations, dues
payments) say alike about a row: a form's errors as the row's, an ID-card number that is not
the importer's, a row that repeats an earlier one. The member import (members.register.ledger)
says the same in its own words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext

from ledgers.imports import RowError


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as a row's: field name ("" for the whole row) → plain-text messages."""
    return {
        ("" if name == "__all__" else name): [strip_tags(str(m)) for m in messages]
        for name, messages in form.errors.items()
    }


def not_yours() -> RowError:
    """An ID-card number the importer may not act on: the same words whether it is registered
    elsewhere or nowhere, so that an import reveals nothing of other organizations' members."""
    return RowError({"id_number": [gettext("No member of yours has this ID-card number.")]})


def wrong_name() -> RowError:
    """The name does not match the member the ID-card number found (a mistyped number that
    happens to be another of the importer's members): checked only once the member is theirs."""
    return RowError(
        {"name": [gettext("The name is not that of the member with this ID-card number.")]}
    )


def first_row_of(seen: dict[Any, int], key: Any, row: int, column: str, message: str) -> None:
    """Remember `key`'s first row; a later row with the same key is a row error in `column`
    saying which row came first (`message` takes %(row)d and nothing else)."""
    first = seen.setdefault(key, row)
    if first != row:
        raise RowError({column: [message % {"row": first}]})
