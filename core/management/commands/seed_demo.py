# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""Build the demo county 青山县 from the parts the apps register (see core.demo)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import DEMO_USERNAMES, Scale, build_demo, holds_data
from core.models import User


class Command(BaseCommand):
    help = (
        "Build the demo county (organizations, members, demo logins with password demo12345); "
        "--scale small builds a few organizations with every state, for the tests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already holds organizations.",
        )
        parser.add_argument(
            "--scale",
            choices=[scale.value for scale in Scale],
            default=Scale.FULL.value,
            help="full (the default): 155 organizations, about 4,000 members; small: a few "
            "organizations and about a hundred members with every state, in seconds.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if holds_data():
            if options["if_empty"]:
                self.stdout.write(
                    "数据库中已有数据，跳过演示数据生成。(seed_demo: data exists, skipped)"
                )
                return
            raise CommandError(
                "数据库中已有组织或党员数据，演示数据只能生成到空数据库中。"
                " (seed_demo refuses to add a demo county to a database that already has data; "
                "use an empty database, or --if-empty to skip.)"
            )
        taken = list(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                f"演示账号已存在：{', '.join(taken)}。(demo usernames already exist; "
                "seed_demo only runs on an empty database.)"
            )
        started = time.monotonic()
        summary = build_demo(Scale(options["scale"]), self.stdout.write)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：组织 {summary['organizations']} 个，党员 {summary['members']} 名"
                f"（流动 {summary['mobile']}，失联 {summary['lost_contact']}，"
                f"停止党籍 {summary['suspended']}，已归档 {summary['archived']}），"
                f"账号 {summary['users']} 个，用时 {elapsed:.1f} 秒。"
            )
        )
