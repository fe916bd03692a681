"""What one check-in POST costs the reader of the code and the database: the project files it
runs through, and no savepoint that does not protect a partial failure (issue 8).

The files are counted with a profile hook during the request, in a warm process: from the view
the request dispatches to, every project file (not tests, not installed packages) whose
functions project code calls (see `project_files_called`). Templates do not count (a successful
check-in redirects)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.mobility.actions import do_register_outflow

ROOT = Path(__file__).resolve().parents[3]
#: The budget the issue sets for one check-in POST.
MAX_FILES = 12


def project_files_called(call: Any) -> tuple[Any, list[str]]:
    """Run `call()`; answer its result and the project files a reader follows from the view, in
    the order first reached.

    The first project function the request reaches in a `views.py` is the view. A function
    counts when every frame between it and the view is project code: the view, what it calls,
    what those call, through the project (a model's queryset method through its manager too).
    Hooks the framework calls by itself start chains a
    reader does not follow from the view and do not count: middleware, a form's `clean` inside
    `is_valid`, a model's `clean` and field validators inside `full_clean`, the audit log's
    signal receivers, callbacks run when the transaction commits."""
    seen: dict[str, None] = {}
    root = str(ROOT) + "/"
    view: list[FrameType] = []

    def project(frame: FrameType) -> str | None:
        name = frame.f_code.co_filename
        if name.startswith(root) and "/.venv/" not in name and "/tests/" not in name:
            return name[len(root) :]
        return None

    def followed_from_view(frame: FrameType) -> bool:
        caller = frame.f_back
        while caller is not None and caller is not view[0]:
            # `Model.objects.method()` passes through Django's manager proxy to the queryset's
            # method: the reader follows it to the model's file.
            proxy = caller.f_code.co_filename.endswith("django/db/models/manager.py")
            if project(caller) is None and not proxy:
                return False
            caller = caller.f_back
        return caller is not None

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event != "call" or frame.f_code.co_name == "<module>":
            return
        here = project(frame)
        if here is None:
            return
        if not view:
            if here.endswith("views.py"):
                view.append(frame)
                seen[here] = None
            return
        if here not in seen and followed_from_view(frame):
            seen[here] = None

    sys.setprofile(profile)
    try:
        result = call()
    finally:
        sys.setprofile(None)
    return result, list(seen)


@pytest.fixture
def away_member(members, secretary):
    member = members["a1"]
    do_register_outflow(
        actor=secretary,
        member=member,
        out_date=dt.date(2026, 3, 1),
        destination_province="浙江省",
        destination_county="乙县",
        occupation="migrant",
        reason="务工",
    )
    return member


def check_in(client: Any, tree: Any, member: Any) -> Any:
    return client.post(
        reverse("members:check_in"),
        {
            "id_number": member.id_number,
            "name": member.name,
            "checked_in_on": "2026-03-05",
            "inflow_org": tree.bs.pk,
            "routing_override_reason": "",
        },
    )


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_check_in_post_runs_through_at_most_twelve_project_files(
    tree, away_member, station, login
):
    client = login(station)
    # A warm process: the first request imports the URLconf and the views (not counted).
    assert client.get(reverse("members:check_in")).status_code == 200
    response, files = project_files_called(lambda: check_in(client, tree, away_member))
    assert response.status_code == 302, response.content.decode()[:2000]

    assert len(files) <= MAX_FILES, "\n".join(files)


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_a_check_in_post_opens_no_savepoint(tree, away_member, station, login):
    """One transaction, no savepoint: the actions it calls (the shares, the notice, the
    certificate's inflow part) join the check-in's transaction, so a failure anywhere undoes
    all of it."""
    client = login(station)
    with CaptureQueriesContext(connection) as queries:
        response = check_in(client, tree, away_member)
    assert response.status_code == 302
    statements = [query["sql"].upper() for query in queries.captured_queries]
    assert not [sql for sql in statements if "SAVEPOINT" in sql], "\n".join(
        s[:150] for s in statements
    )
