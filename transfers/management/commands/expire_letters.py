"""`manage.py expire_letters [--date YYYY-MM-DD]`: what the nightly task does, by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from transfers.tasks import expire_letters


class Command(BaseCommand):
    help = "Mark issued transfer letters past their validity as expired (the nightly task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="as of this day (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day: dt.date | None = options["date"]
        count = expire_letters(day.isoformat() if day else None)
        self.stdout.write(f"{count} letter(s) expired")
