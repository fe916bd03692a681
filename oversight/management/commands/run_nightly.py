"""`manage.py run_nightly [--as-of YYYY-MM-DD] [--rule CODE ...]`: the nightly checks by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.validators import ascii_digits, past_date
from oversight import rules as registry
from oversight.engine import RunInProgressError, run_rules
from oversight.models import RunTrigger


def _day(text: str) -> dt.date:
    """`--as-of` as a date: YYYY-MM-DD only (full-width digits read as ASCII), from 1900 to
    today; anything else stops the command with a message naming the value."""
    cleaned = ascii_digits(text.replace("\x00", "").strip())
    try:
        # strptime, not fromisoformat: that also takes "20261130" and week dates ("2026-W48").
        day = dt.datetime.strptime(cleaned, "%Y-%m-%d").date()
    except ValueError as error:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {text!r}") from error
    try:
        past_date(day)
    except ValidationError as error:
        raise CommandError(f"--as-of {day.isoformat()}: {' '.join(error.messages)}") from error
    return day


class Command(BaseCommand):
    help = "Run the oversight rules (and the nightly reports) as of a day: today by default."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=str, default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--rule", action="append", default=[], help="Only this rule (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        unknown = [code for code in options["rule"] if code not in registry.RULES]
        if unknown:
            raise CommandError(f"Unknown rule(s): {', '.join(unknown)}")
        try:
            run = run_rules(day, trigger=RunTrigger.COMMAND, only=options["rule"] or None)
        except RunInProgressError as busy:
            raise CommandError(str(busy)) from busy
        for result in run.rule_runs.order_by("id"):
            line = (
                f"{result.rule:32} +{result.opened:<6} reopened {result.reopened:<5} "
                f"open {result.still_open:<7} -{result.closed:<6} {result.milliseconds} ms"
            )
            self.stdout.write(f"{line}  ERROR: {result.error}" if result.error else line)
        self.stdout.write(
            f"Run {run.pk} as of {run.as_of}: {run.status}; opened {run.opened}, "
            f"still open {run.still_open}, closed {run.closed}, reports {run.reports}."
        )
