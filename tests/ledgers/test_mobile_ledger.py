"""The mobile-member ledger (流动党员台账, issue 13): the rows of "My members away" and "Checked
in with us", each side as its organizations see it, with where the member is, the check-in,
the activity certificate, the designated contact, the last contact, organizational life and
dues; masked ID-card numbers unless the home side asks; a query count that does not grow."""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.validators import mask_id_number
from education.builders import hold_meeting
from members.builders import (
    away,
    check_in,
    check_in_outside,
    issue_certificate,
    pay_dues,
    set_dues_standard,
)
from members.mobility.actions import do_record_contact
from members.models import Member
from tests.conftest import World
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

MOBILE = reverse("ledgers:export", args=["mobile"])
TODAY = timezone.localdate()
LAST_YEAR = dt.date(TODAY.year - 1, 1, 1)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture(scope="module")
def absences(shared_world: World, django_db_blocker) -> dict[str, int]:
    """Made once for the module, in both townships:

    - A1's member away 40 days, checked in at station B-S 35 days ago, with an activity
      certificate, the secretary as designated contact, a contact 10 days ago, a meeting of
      A1 20 days ago the member attended online, and dues paid for the whole of last year;
    - A2's member away 20 days, not checked in;
    - B1's member away 50 days, checked in outside the system;
    - 王乙二 of B1 away 15 days, checked in at A2 (an inflow member for township A).
    """
    su, tree, members = shared_world.users["superuser"], shared_world.tree, shared_world.members
    secretary = shared_world.users["secretary"]
    with django_db_blocker.unblock():
        a1 = members["a1"]
        episode = away(
            a1,
            actor=su,
            out_date=ago(40),
            destination_address="新碶街道明州路1号",
            employer="宁波港务有限公司",
            contact_person=secretary,
        )
        check_in(a1, actor=su, at=tree.bs, on=ago(35))
        issue_certificate(a1, actor=su, episode=episode, on=ago(39))
        do_record_contact(
            actor=su, member=a1, contacted_on=ago(10), channel="phone", summary="电话联系"
        )
        hold_meeting(tree.a1, actor=su, held_on=ago(20), online=[a1])
        set_dues_standard(a1, actor=su, from_month=LAST_YEAR)
        pay_dues(a1, actor=su, first_month=LAST_YEAR, months=12)
        away(members["a2"], actor=su, out_date=ago(20))
        outside = away(members["b1"], actor=su, out_date=ago(50))
        check_in_outside(outside, actor=su, on=ago(45))
        b1_second = MemberFactory.create(name="王乙二", home_org=tree.b1)
        away(b1_second, actor=su, out_date=ago(15))
        check_in(b1_second, actor=su, at=tree.a2, on=ago(12))
    return {"b1_second": b1_second.pk}


def by_name(rows: list[tuple]) -> dict[str, dict[str, Any]]:
    """Each row by its name, as header → value (a row read back ends at its last value)."""
    headers = rows[2]
    return {
        line[0]: dict(zip(headers, line + (None,) * (len(headers) - len(line)), strict=True))
        for line in rows[3:]
    }


def names_and_sides(rows: list[tuple]) -> dict[str, str]:
    return {row[0]: row[2] for row in rows[3:] if row[0]}


def post(client, query: dict | None = None, data: dict | None = None):
    url = f"{MOBILE}?{urlencode(query)}" if query else MOBILE
    return client.post(url, data or {})


def test_the_mobile_ledger_columns_in_order(login, county, absences) -> None:
    rows = read_back(post(login(county)))
    assert rows[0][0] == "流动党员台账"
    assert rows[2] == (
        "姓名",
        "公民身份号码",
        "流出/流入",
        "所在党支部",
        "外出日期",
        "外出流向（省市县）",
        "外出地址",
        "外出工作单位",
        "状态",
        "报到党组织",
        "报到日期",
        "流动党员活动证编号",
        "联系人",
        "最近联系日期",
        "最近参加组织生活日期",
        "党费交至（年月）",
    )


def test_a_mobile_row_against_its_absence(login, county, secretary, members, absences) -> None:
    rows = by_name(read_back(post(login(county), {"org": ""})))
    row = rows["王甲一"]
    a1 = members["a1"]
    number = a1.certificates.get().number
    assert row["公民身份号码"] == mask_id_number(a1.id_number)
    assert row["流出/流入"] == "流出"
    assert row["所在党支部"] == "甲一支部"
    assert row["外出日期"].date() == ago(40)
    assert row["外出流向（省市县）"] == "浙江省宁波市北仑区"
    assert row["外出地址"] == "新碶街道明州路1号"
    assert row["外出工作单位"] == "宁波港务有限公司"
    assert row["状态"] == "已报到"
    assert row["报到党组织"] == "乙镇流动党员服务站"
    assert row["报到日期"].date() == ago(35)
    assert row["流动党员活动证编号"] == number
    assert row["联系人"] == secretary.full_name
    assert row["最近联系日期"].date() == ago(10)
    assert row["最近参加组织生活日期"].date() == ago(20)
    assert row["党费交至（年月）"] == f"{TODAY.year - 1}-12"
    outside = rows["王乙一"]
    assert outside["状态"] == "已在系统外报到"
    assert outside["报到党组织"] == "中共宁波市北仑区新碶街道流动党员党支部（系统外）"
    assert outside["报到日期"].date() == ago(45)
    assert outside["流动党员活动证编号"] is None
    assert outside["最近参加组织生活日期"] is None
    assert outside["党费交至（年月）"] is None
    waiting = rows["王甲二"]
    assert waiting["状态"] == "已登记流出，尚未报到"
    assert waiting["报到党组织"] is None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county", {"王甲一": "流出", "王甲二": "流出", "王乙一": "流出", "王乙二": "流出"}),
        ("inspector", {"王甲一": "流出", "王甲二": "流出", "王乙一": "流出", "王乙二": "流出"}),
        ("town", {"王甲一": "流出", "王甲二": "流出", "王乙二": "流入"}),
        ("secretary", {"王甲一": "流出"}),
        ("secretary2", {"王乙一": "流出", "王乙二": "流出"}),
        ("station", {"王甲一": "流入"}),
    ],
)
def test_each_side_exports_its_own_rows(login, personas, absences, persona, expected) -> None:
    """Both townships for the county; a township its members away and the members of elsewhere
    checked in with it; a branch its own; the station the member checked in with it."""
    assert names_and_sides(read_back(post(login(personas[persona])))) == expected


def test_the_county_narrows_to_a_township(login, county, tree, absences) -> None:
    """Narrowed to township B, the member of A1 checked in at B's station is an inflow member
    (of township B's), as on the list "Checked in with us"."""
    rows = read_back(post(login(county), {"org": tree.town_b.pk}))
    assert names_and_sides(rows) == {"王乙一": "流出", "王乙二": "流出", "王甲一": "流入"}
    assert "乙镇" in rows[1][0]
    rows = read_back(post(login(county), {"org": tree.town_a.pk, "q": "王甲一"}))
    assert names_and_sides(rows) == {"王甲一": "流出"}


def test_a_secretary_cannot_widen_the_ledger_by_the_query_string(
    login, secretary, tree, absences
) -> None:
    """An organization outside the secretary's scope is a forged request: 404, as the list
    page answers it, and nothing is written; without one the ledger is the branch's."""
    client = login(secretary)
    for org in (tree.county.pk, tree.town_a.pk, tree.b1.pk, "1 OR 1=1"):
        assert post(client, {"org": org}).status_code == 404, org
    assert names_and_sides(read_back(post(client, {"org": tree.a1.pk}))) == {"王甲一": "流出"}
    assert names_and_sides(read_back(post(client, {"q": "王" * 60}))) == {"王甲一": "流出"}


def test_id_numbers_masked_for_the_inspector_full_for_the_home_side(
    login, inspector, town, members, absences
) -> None:
    client = login(inspector)
    assert post(client, data={"full_ids": "on"}).status_code == 403
    rows = read_back(post(client))
    assert all("*" in row[1] for row in rows[3:])
    rows = read_back(post(login(town), data={"full_ids": "on"}))
    numbers = {row[0]: row[1] for row in rows[3:]}
    inflow = Member.objects.get(pk=absences["b1_second"])
    # Township A's own members in full; the member of township B checked in with it masked.
    assert numbers == {
        "王甲一": members["a1"].id_number,
        "王甲二": members["a2"].id_number,
        "王乙二": mask_id_number(inflow.id_number),
    }


def test_the_ledgers_queries_do_not_grow_with_its_rows(login, county, tree, superuser) -> None:
    client = login(county)
    post(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert post(client).status_code == 200
        return len(queries)

    before = count()
    leave = partial(away, actor=superuser, out_date=ago(30))
    for index, member in enumerate(MemberFactory.create_batch(12, home_org=tree.a2)):
        episode = leave(member)
        if index % 3 == 0:
            check_in(member, actor=superuser, at=tree.bs, on=ago(20))
        if index % 3 == 1:
            issue_certificate(member, actor=superuser, episode=episode, on=ago(25))
    assert count() == before


def export_link(page: str) -> str:
    """The href of the page's "Export ledger" link."""
    found = re.search(r'href="([^"]+)" data-testid="export-ledger"', page)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize("slug", ["away", "checked_in_here"])
def test_both_lists_link_to_the_ledger_with_their_filter(login, town, tree, slug) -> None:
    page = login(town).get(reverse(f"members:{slug}"), {"org": tree.a1.pk, "q": "王", "page": 2})
    assert "导出台账" in page.content.decode()
    assert export_link(page.content.decode()) == f"{MOBILE}?org={tree.a1.pk}&q=%E7%8E%8B"
