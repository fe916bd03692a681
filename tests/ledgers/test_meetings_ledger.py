"""The meetings ledger (三会一课台账, issue 13): one line per organization of the compliance
table and month of the last twelve, with the meetings of each kind held; a totals row; the
table's scope and organization filter, which a query string cannot widen; constant queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from education.builders import hold_meeting
from education.meetings.actions import do_void_meeting
from education.models import MeetingKind
from organizations.models import Organization, OrgKind
from tests.factories import OrganizationFactory
from tests.ledgers.test_exports import read_back
from tests.test_hostile_queries import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("ledgers:export", args=["meetings"])
AS_OF = "2026-03-31"
#: The twelve months up to AS_OF's, oldest first.
MONTHS = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]
KINDS = (
    "支部党员大会",
    "支部委员会",
    "党小组会",
    "党课",
    "主题党日",
    "组织生活会",
    "谈心谈话",
    "其他活动",
)
HEADERS = ("乡镇（街道）党委", "党组织", "月份", *KINDS, "合计")
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _set_up_long_ago(tree) -> None:
    Organization.objects.update(created_at=LONG_AGO)


@pytest.fixture
def meetings(tree, superuser) -> None:
    """A1: two theme days in March 2026, a lecture in January, a general meeting in December
    2025, and a theme day before the twelve months; A2: a theme day in February; B1: a talk in
    March, a theme day in April 2025 (the first month), a voided committee meeting, and a
    theme day after the as-of day."""
    held = [
        (tree.a1, MeetingKind.THEME_DAY, dt.date(2026, 3, 2)),
        (tree.a1, MeetingKind.THEME_DAY, dt.date(2026, 3, 31)),
        (tree.a1, MeetingKind.LECTURE, dt.date(2026, 1, 5)),
        (tree.a1, MeetingKind.GENERAL_MEETING, dt.date(2025, 12, 10)),
        (tree.a1, MeetingKind.THEME_DAY, dt.date(2025, 3, 31)),
        (tree.a2, MeetingKind.THEME_DAY, dt.date(2026, 2, 2)),
        (tree.b1, MeetingKind.TALK, dt.date(2026, 3, 15)),
        (tree.b1, MeetingKind.THEME_DAY, dt.date(2025, 4, 1)),
        (tree.b1, MeetingKind.THEME_DAY, dt.date(2026, 4, 1)),
    ]
    for org, kind, day in held:
        hold_meeting(org, actor=superuser, kind=kind, held_on=day)
    voided = hold_meeting(
        tree.b1, actor=superuser, kind=MeetingKind.COMMITTEE, held_on=dt.date(2026, 3, 3)
    )
    do_void_meeting(actor=superuser, meeting=voided, reason="录入错误")


def export(client, **query: object) -> list[tuple]:
    response = client.post(f"{URL}?{urlencode({'as_of': AS_OF, **query})}")
    assert response.status_code == 200
    return read_back(response)


def lines(rows: list[tuple]) -> dict[tuple[str, str], dict[str, object]]:
    """The lines by (organization, month), each by header (the totals row left out)."""
    return {
        (row[1], row[2]): dict(zip(HEADERS, row, strict=True))
        for row in rows[3:]
        if row[0] != "合计"
    }


def test_the_columns_and_the_title(login, county, meetings) -> None:
    rows = export(login(county))
    assert rows[0][0] == "三会一课台账（2025-04至2026-03）"
    assert rows[2] == HEADERS
    assert "截至日期：2026-03-31" in rows[1][0]


def test_a_branchs_months_against_its_meetings(login, county, meetings) -> None:
    found = lines(export(login(county)))
    march = found["甲一支部", "2026-03"]
    assert march["乡镇（街道）党委"] == "甲镇"
    assert (march["主题党日"], march["党课"], march["合计"]) == (2, 0, 2)
    assert (found["甲一支部", "2026-01"]["党课"], found["甲一支部", "2026-01"]["合计"]) == (1, 1)
    assert found["甲一支部", "2025-12"]["支部党员大会"] == 1
    assert [found["甲一支部", month]["合计"] for month in MONTHS] == [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 2,
    ]  # fmt: skip
    # B1: the voided committee meeting and the theme day after the as-of day do not count.
    assert found["乙一支部", "2026-03"]["谈心谈话"] == 1
    assert found["乙一支部", "2026-03"]["支部委员会"] == 0
    assert found["乙一支部", "2026-03"]["合计"] == 1
    assert found["乙一支部", "2025-04"]["主题党日"] == 1


def test_the_totals_row(login, county, meetings) -> None:
    rows = export(login(county))
    totals = dict(zip(HEADERS, rows[-1], strict=True))
    assert totals["乡镇（街道）党委"] == "合计"
    assert (totals["主题党日"], totals["党课"], totals["支部党员大会"], totals["谈心谈话"]) == (
        4,
        1,
        1,
        1,
    )
    assert (totals["支部委员会"], totals["合计"]) == (0, 7)


def test_the_county_ledger_holds_both_townships_branches_every_month(
    login, county, meetings
) -> None:
    rows = export(login(county))
    found = lines(rows)
    organizations = ["县直机关党支部", "甲一支部", "甲二支部", "乙一支部"]
    assert list(dict.fromkeys(org for org, _month in found)) == organizations
    assert len(rows) == 3 + len(organizations) * 12 + 1
    assert [month for org, month in found if org == "乙一支部"] == MONTHS
    assert {row["乡镇（街道）党委"] for row in found.values()} == {"县委", "甲镇", "乙镇"}


def test_the_organization_chosen_on_the_table(login, county, tree, meetings) -> None:
    rows = export(login(county), org=tree.town_b.pk)
    assert {org for org, _month in lines(rows)} == {"乙一支部"}
    assert "乙镇" in rows[1][0]


def test_a_secretary_cannot_widen_the_ledger_by_the_query_string(
    login, secretary, tree, meetings
) -> None:
    """Township B and the county are outside the secretary's scope: ignored as on the table,
    which shows their branch and its party groups."""
    group = OrganizationFactory.create(parent=tree.a1, name="第一党小组", kind=OrgKind.PARTY_GROUP)
    Organization.objects.update(created_at=LONG_AGO)
    hold_meeting(group, actor=secretary, kind=MeetingKind.PARTY_GROUP, held_on=dt.date(2026, 3, 9))
    client = login(secretary)
    for query in ({"org": tree.county.pk}, {"org": tree.b1.pk}, {"org": "1 OR 1=1"}, {}):
        found = lines(export(client, **query))
        assert list(dict.fromkeys(org for org, _month in found)) == ["甲一支部", "第一党小组"]
        assert found["第一党小组", "2026-03"]["党小组会"] == 1


def test_no_id_numbers_so_no_full_ones_offered(login, secretary) -> None:
    client = login(secretary)
    assert "full_ids" not in client.get(URL).content.decode()
    assert client.post(URL, {"full_ids": "on"}).status_code == 403


def test_the_compliance_table_links_to_the_ledger_with_its_filter(login, county, tree) -> None:
    page = login(county).get(reverse("education:compliance"), {"org": tree.town_a.pk})
    assert f'href="{URL}?org={tree.town_a.pk}"' in page.content.decode()


def test_the_ledgers_queries_do_not_grow_with_its_rows(login, county, superuser, tree) -> None:
    client = login(county)
    export(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(client)
        return len(queries)

    before = count()
    for n in range(6):
        branch = OrganizationFactory.create(
            parent=tree.town_b, name=f"乙{n}支部", kind=OrgKind.BRANCH
        )
        hold_meeting(
            branch, actor=superuser, kind=MeetingKind.LECTURE, held_on=dt.date(2026, 2, n + 1)
        )
    Organization.objects.update(created_at=LONG_AGO)
    assert count() == before


def test_a_hostile_query_string_is_ignored_never_a_500(login, county, secretary) -> None:
    """Each hostile value of tests/test_hostile_queries.py in every parameter the ledger reads:
    the export page answers with the filters it could apply, the file is written."""
    for user in (county, secretary):
        client = login(user)
        for value in HOSTILE:
            query = urlencode(dict.fromkeys(("org", "as_of"), value))
            assert client.get(f"{URL}?{query}").status_code == 200, (user, value)
        assert client.post(f"{URL}?{query}").status_code == 200
