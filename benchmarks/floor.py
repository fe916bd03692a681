"""The floor a Django page can reach: for each measured page, a minimal view that runs the
case's hand-written SQL (benchmarks/raw.py, the same as the "raw" column) on Django's own
connection and renders the same rows with a plain template, behind the session and
authentication middleware only.

It has its own URLconf (benchmarks/floor_urls.py) and its own test-client handler
(`floor_client`), so it is never part of the application's URLconf or middleware stack. The
user is logged in with `force_login` as for the application's pages, so the session and user
lookups cost the same on both sides. The templates (benchmarks/templates/floor/) use a bare
template engine: no context processors, no base template, no forms.

This module needs configured settings: run.py imports it once Django is set up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import Context, Engine
from django.test import Client, override_settings
from django.test.client import ClientHandler

from benchmarks.raw import RawSQL
from core.validators import mask_id_number
from members.models.choices import EpisodeStatus, Gender, Membership, Standing
from organizations.models import OrgKind

FLOOR_URLCONF = "benchmarks.floor_urls"
FLOOR_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
#: Rows on a page (settings.MEMBERS_PAGE_SIZE); the SQL reads one more, to know there is more.
PAGE_SIZE = 50
STEPLEN = 4  # treebeard's path step

ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")])


@dataclass
class FloorConfig:
    perm_id: int
    #: The materialized path of each benchmark scope's role ("county", "province").
    prefixes: dict[str, str]
    #: Position of each column in a member-page row (`SELECT m.*, o.*`): the member's columns,
    #: then the organization's, prefixed "org.".
    member_columns: dict[str, int]
    #: Position of each column in a tree row (`SELECT o.*, direct_members`).
    tree_columns: dict[str, int]


_config: FloorConfig | None = None


def configure(perm_id: int, prefixes: dict[str, str]) -> None:
    """Tell the floor views the benchmark's scopes and the table layout (once per run)."""
    global _config
    raw = RawSQL(connection, perm_id)
    member = raw.member_columns()
    org = raw.tree_columns()
    _config = FloorConfig(
        perm_id=perm_id,
        prefixes=prefixes,
        member_columns={
            **{name: i for i, name in enumerate(member)},
            **{f"org.{name}": len(member) + i for i, name in enumerate(org)},
        },
        tree_columns={name: i for i, name in enumerate(org)},
    )


def _setup() -> tuple[FloorConfig, RawSQL]:
    if _config is None:
        raise RuntimeError("benchmarks.floor.configure() first")
    return _config, RawSQL(connection, _config.perm_id)


def _render(template: str, context: dict[str, Any]) -> HttpResponse:
    return HttpResponse(ENGINE.get_template(template).render(Context(context)))


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def members(request: HttpRequest, scope: str) -> HttpResponse:
    """The member list's page of rows and its count (one case: first page, deep page, search)."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    config, raw = _setup()
    q = request.GET.get("q", "")
    key, pk = request.GET.get("after_key"), request.GET.get("after_id")
    rows, total = raw.member_page(config.prefixes[scope], q, (key, int(pk)) if key and pk else None)
    c = config.member_columns
    gender, membership, standing = (_labels(x.choices) for x in (Gender, Membership, Standing))
    page = [
        {
            "id": row[c["id"]],
            "name": row[c["name"]],
            "is_mobile": row[c["is_mobile"]],
            "lost_contact": row[c["lost_contact"]],
            "archived": row[c["archived_at"]] is not None,
            "gender": gender[row[c["gender"]]],
            "id_number": mask_id_number(row[c["id_number"]]),
            "membership": membership[row[c["membership"]]],
            "org": row[c["org.name"]],
            "phone": row[c["phone"]],
            "standing": standing[row[c["standing"]]],
            "normal": row[c["standing"]] == Standing.NORMAL,
        }
        for row in rows[:PAGE_SIZE]
    ]
    following = ""
    if len(rows) > PAGE_SIZE:
        last = rows[PAGE_SIZE - 1]
        following = urlencode(
            {"q": q, "after_key": last[c["name_pinyin"]], "after_id": last[c["id"]]}
        )
    return _render(
        "floor/members.html", {"rows": page, "total": total, "q": q, "following": following}
    )


def tree(request: HttpRequest, scope: str) -> HttpResponse:
    """The organization tree: every organization in scope counted, the open levels shown."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    config, raw = _setup()
    rows = raw.tree(config.prefixes[scope])
    c = config.tree_columns
    path, depth = c["path"], c["depth"]
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        for end in range(STEPLEN, len(row[path]) + 1, STEPLEN):
            totals[row[path][:end]] += row[-1]
    top = min((row[depth] for row in rows), default=1)
    kinds = _labels(OrgKind.choices)
    shown = [
        {
            "id": row[c["id"]],
            "name": row[c["name"]],
            "depth": row[depth],
            "kind": row[c["kind"]],
            "kind_label": kinds[row[c["kind"]]],
            "is_active": row[c["is_active"]],
            "total": totals[row[path]],
            "direct": row[-1],
            "parent": row[c["numchild"]] > 0,
            "closed": row[c["numchild"]] > 0 and row[depth] == top + 2,
        }
        for row in rows
        if row[depth] <= top + 2
    ]
    return _render("floor/tree.html", {"rows": shown, "count": len(rows)})


def away(request: HttpRequest, scope: str) -> HttpResponse:
    """The mobile members' list "my members away": its first page and its size."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    config, raw = _setup()
    rows, total = raw.away(config.prefixes[scope])
    status = _labels(EpisodeStatus.choices)
    page = [
        {
            "member_id": member_id,
            "name": name,
            "org": org,
            "status": code,
            "status_label": status[code],
            "destination": f"{province}{city}{county}",
            "inflow": inflow,
            "checked_in_on": _date(checked_in_on),
            "intended": intended,
            "out_date": _date(out_date),
            "contact": full_name or username,
        }
        for (
            _id,
            member_id,
            name,
            org,
            code,
            province,
            city,
            county,
            inflow,
            checked_in_on,
            intended,
            out_date,
            full_name,
            username,
        ) in rows
    ]
    return _render("floor/away.html", {"rows": page, "total": total})


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


class FloorHandler(ClientHandler):
    """The test client's handler with the floor's middleware and URLconf."""

    def load_middleware(self, is_async: bool = False) -> None:
        with override_settings(MIDDLEWARE=FLOOR_MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request: HttpRequest) -> Any:
        request.urlconf = FLOOR_URLCONF  # type: ignore[attr-defined]  # read by the resolver
        return super().get_response(request)


def floor_client(user: Any) -> Client:
    """A test client for the floor views, logged in as `user`."""
    client = Client()
    client.handler = FloorHandler(enforce_csrf_checks=False)
    client.force_login(user)
    return client
