"""Who gets which answer from every page: the access table of the whole app.

One row per (view, target); one column per persona, in the order of `PERSONAS`:
anonymous, secretary (A1), committee (A1), town (A), county, secretary2 (B1), station (B-S),
inspector (county, read-only), superuser. See tests/conftest.py for the tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.mobility_actions import do_check_in, do_register_outflow
from members.models import MobilityEpisode
from organizations.actions import do_notify_organization
from organizations.models import Role
from tests.conftest import PERSONAS
from tests.permissions import LOGIN, assert_access

L = LOGIN


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Targets], str]
    expected: tuple[int | str, ...]
    method: str = "get"
    data: dict[str, object] | None = None


@dataclass
class Targets:
    """What a row's URL points at; built lazily, so each case pays only for what it uses."""

    request: pytest.FixtureRequest

    def __getattr__(self, fixture: str) -> Any:
        return self.request.getfixturevalue(fixture)


def member_url(view: str, member: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[w.members[member].pk])


def org_url(view: str, org: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[getattr(w.tree, org).pk])


def staff_url(view: str, persona: str) -> Callable[[Targets], str]:
    return lambda w: reverse(view, args=[getattr(w, persona).pk])


def notice_url(org: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        notice = do_notify_organization(actor=None, organization=getattr(w.tree, org), title="通知")
        return reverse("notice_open", args=[notice.pk])

    return url


def role_url(persona: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        user = getattr(w, persona)
        role = Role.objects.get(user=user, revoked_at__isnull=True)
        return reverse("staff:revoke_role", args=[user.pk, role.pk])

    return url


def episode_url(view: str) -> Callable[[Targets], str]:
    def url(w: Targets) -> str:
        episode = w.checked_in_episode
        return reverse(view, args=[episode.member_id, episode.pk])

    return url


@pytest.fixture
def checked_in_episode(members, tree, superuser) -> MobilityEpisode:
    member = members["a1"]
    do_register_outflow(
        actor=superuser,
        member=member,
        out_date=dt.date(2026, 3, 1),
        destination_province="浙江省",
        destination_county="乙县",
        occupation="migrant",
        reason="务工",
    )
    return do_check_in(
        actor=superuser,
        inflow_org=tree.bs,
        id_number=member.id_number,
        name=member.name,
        checked_in_on=dt.date(2026, 3, 5),
    )


def fixed(name: str) -> Callable[[Targets], str]:
    return lambda w: reverse(name)


# fmt: off
ROWS = [
    #                                   anon sec  com  town cnty sec2 stn  insp su
    Row("members:list", fixed("members:list"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("members:create", fixed("members:create"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("members:detail[a1]", member_url("members:detail", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("members:detail[shared]", member_url("members:detail", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 200, 200)),
    Row("members:edit[a1]", member_url("members:edit", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:edit[shared]", member_url("members:edit", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:archive[a1]", member_url("members:archive", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:archive[shared]", member_url("members:archive", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:restore[a1]", member_url("members:restore", "a1"),
                                        (L,  302, 302, 302, 302, 404, 404, 403, 302),
        method="post"),
    Row("members:reveal_id[a1]", member_url("members:reveal_id", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200),
        method="post"),
    Row("members:reveal_id[shared]", member_url("members:reveal_id", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200),
        method="post"),
    Row("members:outflow[a1]", member_url("members:outflow", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:outflow[shared]", member_url("members:outflow", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    # a1's member away and checked in at station B-S: the station sees it but may not end it.
    Row("members:end_episode[a1 at bs]", episode_url("members:end_episode"),
                                        (L,  200, 200, 200, 200, 404, 403, 403, 200)),
    Row("members:check_in", fixed("members:check_in"),
                                        (L,  200, 200, 200, 200, 200, 200, 403, 200)),
    Row("members:mark_lost[a1]", member_url("members:mark_lost", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:mark_lost[shared]", member_url("members:mark_lost", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:finding_new[a1]", member_url("members:finding_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:finding_new[shared]", member_url("members:finding_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 403, 200)),
    Row("members:report_new[a1]", member_url("members:report_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    Row("members:report_new[shared]", member_url("members:report_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 403, 403, 200)),
    Row("members:contact_new[a1]", member_url("members:contact_new", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 403, 200)),
    # Shared with station B-S (view and record): the station records, A1's staff cannot see.
    Row("members:contact_new[shared]", member_url("members:contact_new", "shared"),
                                        (L,  404, 404, 200, 200, 404, 200, 403, 200)),
    Row("organizations:tree", fixed("organizations:tree"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    Row("organizations:detail[a1]", org_url("organizations:detail", "a1"),
                                        (L,  200, 200, 200, 200, 404, 404, 200, 200)),
    Row("organizations:detail[town_a]", org_url("organizations:detail", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 200, 200)),
    Row("organizations:detail[town_b]", org_url("organizations:detail", "town_b"),
                                        (L,  404, 404, 404, 200, 404, 404, 200, 200)),
    Row("organizations:subtree[town_a]", org_url("organizations:subtree", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 200, 200)),
    Row("organizations:edit[a1]", org_url("organizations:edit", "a1"),
                                        (L,  403, 403, 200, 200, 404, 404, 403, 200)),
    Row("organizations:create[town_a]", org_url("organizations:create", "town_a"),
                                        (L,  404, 404, 200, 200, 404, 404, 403, 200)),
    Row("staff:list", fixed("staff:list"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:create", fixed("staff:create"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:detail[secretary]", staff_url("staff:detail", "secretary"),
                                        (L,  403, 403, 200, 200, 403, 403, 403, 200)),
    Row("staff:detail[secretary2]", staff_url("staff:detail", "secretary2"),
                                        (L,  403, 403, 404, 200, 403, 403, 403, 200)),
    Row("staff:revoke_role[secretary]", role_url("secretary"),
                                        (L,  403, 403, 302, 302, 403, 403, 403, 302),
        method="post"),
    Row("staff:revoke_role[secretary2]", role_url("secretary2"),
                                        (L,  403, 403, 404, 302, 403, 403, 403, 302),
        method="post"),
    Row("staff:set_active[secretary]", staff_url("staff:set_active", "secretary"),
                                        (L,  403, 403, 302, 302, 403, 403, 403, 302),
        method="post", data={"active": "1"}),
    Row("staff:set_active[secretary2]", staff_url("staff:set_active", "secretary2"),
                                        (L,  403, 403, 404, 302, 403, 403, 403, 302),
        method="post", data={"active": "1"}),
    Row("audit", fixed("audit"),
                                        (L,  403, 403, 403, 200, 403, 403, 403, 200)),
    Row("notices", fixed("notices"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    # A notice to branch A1 is opened by A1's staff only (notices go to the organization).
    Row("notice_open[a1]", notice_url("a1"),
                                        (L,  302, 302, 404, 404, 404, 404, 404, 404),
        method="post"),
    Row("home", fixed("home"),
                                        (L,  200, 200, 200, 200, 200, 200, 200, 200)),
    # The health check is for the load balancer: public, and it tells nothing about members.
    Row("healthz", fixed("healthz"),
                                        (200, 200, 200, 200, 200, 200, 200, 200, 200)),
]
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for row in ROWS:
        assert len(row.expected) == len(PERSONAS), row.name
        for persona, expected in zip(PERSONAS, row.expected, strict=True):
            cases.append(pytest.param(row, persona, expected, id=f"{row.name}-{persona}"))
    return cases


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_world")
@pytest.mark.parametrize(("row", "persona", "expected"), _cases())
def test_access(row: Row, persona: str, expected: int | str, request, login):
    targets = Targets(request)
    url = row.url(targets)
    user = None if persona == "anonymous" else getattr(targets, persona)
    assert_access(login(user), url, expected, method=row.method, data=row.data, who=persona)


def test_every_named_url_is_in_the_table():
    """A new page must be added to the access table (admin, auth and i18n pages aside)."""
    named = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            named.add(pattern.name)
        elif isinstance(pattern, URLResolver) and pattern.namespace not in {None, "admin"}:
            named |= {
                f"{pattern.namespace}:{p.name}"
                for p in pattern.url_patterns
                if isinstance(p, URLPattern) and p.name
            }
    covered = {row.name.split("[")[0] for row in ROWS}
    assert named - {"login", "logout", "password_change"} == covered
