"""Issue 9, item 16: 500s from query strings. A keyset cursor holding Infinity, a huge number,
deep nesting or a NUL; a NUL in the staff, audit and organization-picker searches; "²" as an
organization id. A bad cursor gives the first page, a bad filter value is ignored or a field
error, never a 500.

Every GET page of the access table (tests/test_access.py) is walked as every persona that may
see it, with each hostile value in every query parameter the page's own forms name (and the
ones the lists read: cursors, page, search, organization, tab, status)."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.urls import reverse

from core.pagination import keyset_page
from members.models import Member
from tests.conftest import PERSONAS
from tests.test_access import (  # noqa: F401 - fixtures
    ROWS,
    Row,
    Targets,
    away_episode,
    checked_in_episode,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

#: What every list reads besides its forms' fields.
COMMON = ("after", "before", "page", "q", "org", "tab", "status", "event", "actor", "year")
HOSTILE = ("a\x00b", "Infinity", "1e999", "²", "\uff13", "9" * 40, "x" * 10_000)


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


#: Forged cursors: what json.loads accepts that no page ever wrote.
CURSORS = (
    _token("[Infinity, 1]"),
    _token("[1e999, 1]"),
    _token("[NaN, -Infinity]"),
    _token(json.dumps([10**30, 10**30])),
    _token("[" * 50_000 + "]" * 50_000),
    _token(json.dumps(["\x00", 1])),
    _token(json.dumps([[["a"]], {"b": 1}])),
    _token(json.dumps(["dt:9999-99-99", 1])),
    "\x00",
    "²",
)
NAME = re.compile(r'name="([^"]+)"')
#: A page that takes query parameters: a filter form, page links, or a query in its own URL.
TAKES_QUERY = re.compile(r'method="get"|[?&](after|before|page)=', re.IGNORECASE)


def _attempts(page: str, fixed: dict[str, str]) -> list[dict[str, str]]:
    """The hostile query strings for one page: each value in every parameter its forms name
    and the lists read, and the forged cursors, for a page that takes query parameters; all
    values at once (one per parameter) for a page that takes none."""
    names = sorted((set(NAME.findall(page)) | set(COMMON)) - {"csrfmiddlewaretoken", *fixed})
    nested = {"a[b][c]": "", "q[]": "1", "org[0][1]": "²"}
    if fixed or TAKES_QUERY.search(page):
        attempts = [dict.fromkeys(names, value) for value in HOSTILE]
        attempts[0].update(nested)
        # A refused `before` falls through to `after`: one request tries two cursors.
        pairs = zip(CURSORS[::2], CURSORS[1::2], strict=True)
        return [*attempts, *({"before": b, "after": a} for b, a in pairs)]
    return [{**{n: HOSTILE[i % len(HOSTILE)] for i, n in enumerate(names)}, **nested}]


def _cases() -> list[Any]:
    cases = []
    for row in ROWS:
        if row.method != "get":
            continue
        seen = [p for p, code in zip(PERSONAS, row.expected, strict=True) if code == 200]
        if seen:
            cases.append(pytest.param(row, seen, id=row.name))
    return cases


@pytest.mark.parametrize(("row", "personas_seeing"), _cases())
def test_no_query_string_answers_500(row: Row, personas_seeing: list[str], request, login):
    """Issue 9, item 16: hostile query values on every list as every persona: never a 500."""
    targets = Targets(request)
    url = row.url(targets)
    base, _, query = url.partition("?")
    fixed = dict(p.split("=", 1) for p in query.split("&")) if query else {}
    for persona in personas_seeing:
        client = login(None if persona == "anonymous" else getattr(targets, persona))
        page = client.get(url)
        assert page.status_code == 200, (persona, url)
        # getvalue(): a download (a meeting's file) streams its body.
        for values in _attempts(page.getvalue().decode(errors="replace"), fixed):
            response = client.get(base, {**fixed, **values})
            assert response.status_code < 500, (persona, url, repr(values)[:200])


@pytest.mark.parametrize("cursor", CURSORS)
def test_a_forged_cursor_gives_the_first_page(members, cursor):
    """Issue 9, item 16: a bad cursor gives the first page, as if there were none."""
    queryset = Member.objects.all()
    keys = ("name_pinyin", "id")
    first = keyset_page(queryset, keys=keys, size=2)
    assert keyset_page(queryset, keys=keys, size=2, after=cursor).object_list == first.object_list
    assert keyset_page(queryset, keys=keys, size=2, before=cursor).object_list == first.object_list


def test_a_superscript_organization_id_is_a_404_not_a_500(county, login):
    """Issue 9, item 16: "²" as an organization id ("²".isdigit() is true, int("²") fails)."""
    client = login(county)
    assert client.get(reverse("transfers:start_batch"), {"org": "²"}).status_code == 404
    assert client.get(reverse("transfers:start_batch"), {"org": "\uff13"}).status_code == 404


@pytest.mark.parametrize("name", ["staff:list", "audit", "transfers:org_options"])
def test_a_nul_in_a_search_is_ignored(superuser, login, name):
    """Issue 9, item 16: a NUL in the staff, audit and organization-picker searches."""
    client = login(superuser)
    for params in ({"q": "王\x00"}, {"event": "\x00", "actor": "a\x00"}):
        assert client.get(reverse(name), params).status_code == 200
