"""How long the attendance sheet of a 200-member branch takes (issue 10, item 2): not a test,
a measurement. Builds a branch of 200 members and a meeting inside a transaction it rolls back,
then times the whole GET and POST through the test client, and the template's render alone.

    DATABASE_URL=postgres://.../mm_x DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python -m tests.education.attendance.measure_render [members]

(the database migrated: `manage.py migrate`)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, cast

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from education.builders import hold_meeting  # noqa: E402
from education.models import MeetingKind  # noqa: E402
from organizations.models import OrgKind, RoleKind  # noqa: E402
from tests.factories import (  # noqa: E402
    MemberFactory,
    OrganizationFactory,
    RoleFactory,
    UserFactory,
)


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """(median, best) milliseconds of `runs` calls, after one warm-up."""
    work()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main(size: int) -> None:
    setup_test_environment()
    with transaction.atomic():
        county = OrganizationFactory.create(name="测量县委", kind=OrgKind.COUNTY_COMMITTEE)
        town = OrganizationFactory.create(
            parent=county, name="测量镇", kind=OrgKind.TOWNSHIP_COMMITTEE
        )
        branch = OrganizationFactory.create(parent=town, name="测量支部", kind=OrgKind.BRANCH)
        user = UserFactory.create(username="measure-secretary")
        RoleFactory.create(user=user, organization=branch, kind=RoleKind.SECRETARY)
        members = [MemberFactory.create(home_org=branch) for _ in range(size)]
        meeting = hold_meeting(branch, actor=user, kind=MeetingKind.COMMITTEE)
        client = Client()
        client.force_login(user)
        url = reverse("education:attendance", args=[meeting.pk])

        page = client.get(url)
        assert page.status_code == 200
        get_ms = timed(20, lambda: client.get(url))
        print(
            f"GET  {size} rows: {len(page.content) // 1024} KiB, "
            f"median {get_ms[0]:.1f} ms, best {get_ms[1]:.1f} ms"
        )

        context = cast(Any, page.context)[0].flatten()
        template = get_template("education/attendance/attendance.html")
        request = page.wsgi_request
        render_ms = timed(20, lambda: template.render(context, request))
        print(f"render alone: median {render_ms[0]:.1f} ms, best {render_ms[1]:.1f} ms")

        data = {f"s{m.pk}": "present" for m in members}
        data[f"s{members[0].pk}"], data[f"n{members[0].pk}"] = "leave", "外出务工"
        data[f"s{members[1].pk}"] = "absent"
        start = time.perf_counter()
        saved = client.post(url, data)
        first = (time.perf_counter() - start) * 1000
        assert saved.status_code == 302, saved.content[:500]
        post_ms = timed(10, lambda: client.post(url, data))
        print(
            f"POST {size} rows: first save {first:.1f} ms; again, nothing changed: "
            f"median {post_ms[0]:.1f} ms, best {post_ms[1]:.1f} ms"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main(max(2, int(sys.argv[1])) if len(sys.argv) > 1 else 200)
