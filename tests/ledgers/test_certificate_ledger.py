"""The activity certificate register (流动党员活动证登记簿, issue 13): the rows of the register
page with its filter, each persona's own; the register's items with the inflow part, the status
as shown and the last yearly check; no ID-card numbers; a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.builders import away, check_in, issue_certificate
from members.certificates.actions import do_check_certificate
from members.models import Certificate, CertificateKind, CheckResult
from tests.conftest import World
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back
from tests.ledgers.test_mobile_ledger import export_link

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

CERTIFICATES = reverse("ledgers:export", args=["certificates"])
TODAY = timezone.localdate()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture(scope="module")
def issued(shared_world: World, django_db_blocker) -> dict[str, int]:
    """Made once for the module, in both townships:

    - A1's member away 520 days with an activity certificate issued 500 days ago, checked in at
      station B-S 490 days ago (which fills the inflow part), checked (passed) for the year of
      issue 470 days ago;
    - A2's member holding a certificate letter for a trip from home, run out 10 days ago;
    - B1's member away 60 days with an activity certificate issued 50 days ago.
    """
    su, tree, members = shared_world.users["superuser"], shared_world.tree, shared_world.members
    with django_db_blocker.unblock():
        a1 = members["a1"]
        away(a1, actor=su, out_date=ago(520))
        activity = issue_certificate(a1, actor=su, on=ago(500))
        check_in(a1, actor=su, at=tree.bs, on=ago(490))
        do_check_certificate(
            actor=su,
            certificate=activity,
            year=ago(500).year,
            checked_on=ago(470),
            result=CheckResult.PASSED,
        )
        letter = issue_certificate(
            members["a2"],
            actor=su,
            kind=CertificateKind.LETTER,
            on=ago(40),
            valid_until=ago(10),
            reason="短期外出学习",
        )
        away(members["b1"], actor=su, out_date=ago(60))
        b1 = issue_certificate(members["b1"], actor=su, on=ago(50))
    return {"a1": activity.pk, "a2": letter.pk, "b1": b1.pk}


def names(rows: list[tuple]) -> set[str]:
    return {row[2] for row in rows[3:]}


def by_name(rows: list[tuple]) -> dict[str, dict[str, Any]]:
    """Each row by its name, as header → value (a row read back ends at its last value)."""
    headers = rows[2]
    return {
        line[2]: dict(zip(headers, line + (None,) * (len(headers) - len(line)), strict=True))
        for line in rows[3:]
    }


def post(client, query: dict | None = None, data: dict | None = None):
    url = f"{CERTIFICATES}?{urlencode(query)}" if query else CERTIFICATES
    return client.post(url, data or {})


def test_the_register_columns_in_order(login, county, issued) -> None:
    rows = read_back(post(login(county)))
    assert rows[0][0] == "流动党员活动证登记簿"
    assert rows[2] == (
        "证件编号",
        "证件类别",
        "姓名",
        "所在党支部",
        "发证日期",
        "有效期至",
        "外出原因",
        "外出地点",
        "外出时间",
        "流入党组织",
        "到达日期",
        "状态",
        "最近年审年度",
        "最近年审结果",
    )


def test_a_register_row_against_its_certificate(login, county, issued) -> None:
    rows = by_name(read_back(post(login(county))))
    activity = Certificate.objects.get(pk=issued["a1"])
    row = rows["王甲一"]
    assert row["证件编号"] == activity.number
    assert row["证件类别"] == "流动党员活动证"
    assert row["所在党支部"] == "甲一支部"
    assert row["发证日期"].date() == ago(500)
    assert row["有效期至"] is None
    assert row["外出原因"] == "务工"
    assert row["外出地点"] == "浙江省宁波市北仑区"
    assert row["外出时间"].date() == ago(520)
    assert row["流入党组织"] == "乙镇流动党员服务站"
    assert row["到达日期"].date() == ago(490)
    assert row["状态"] == "有效"
    assert row["最近年审年度"] == ago(500).year
    assert row["最近年审结果"] == "通过"
    # A letter past its validity shows as expired, as on the page; a trip from home has no
    # absence.
    letter = rows["王甲二"]
    assert (letter["证件类别"], letter["状态"]) == ("党员证明信", "已过期")
    assert letter["有效期至"].date() == ago(10)
    assert (letter["外出地点"], letter["外出时间"], letter["最近年审年度"]) == (None, None, None)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county", {"王甲一", "王甲二", "王乙一"}),
        ("inspector", {"王甲一", "王甲二", "王乙一"}),
        ("town", {"王甲一", "王甲二"}),
        ("secretary", {"王甲一"}),
        ("secretary2", {"王乙一"}),
        ("station", {"王甲一"}),
    ],
)
def test_each_persona_exports_the_register_it_sees(
    login, personas, issued, persona, expected
) -> None:
    """The certificates of the members each one sees: the station sees the certificate of the
    member checked in with it."""
    assert names(read_back(post(login(personas[persona])))) == expected


def test_the_registers_filter_applies(login, county, issued) -> None:
    client = login(county)
    rows = read_back(post(client, {"status": "expired"}))
    assert names(rows) == {"王甲二"}
    assert "状态：已过期" in rows[1][0]
    assert names(read_back(post(client, {"kind": "activity"}))) == {"王甲一", "王乙一"}
    query = {"kind": "activity", "year": ago(500).year}
    assert names(read_back(post(client, query))) == {"王甲一"}


def test_a_secretary_cannot_widen_the_register_by_the_query_string(
    login, secretary, tree, issued
) -> None:
    """The register has no organization filter: a forged one, or a bad filter value, leaves
    the secretary's own certificates, as on the page."""
    client = login(secretary)
    for query in (
        {"org": tree.county.pk},
        {"kind": "x", "org": tree.b1.pk},
        {"status": "1 OR 1=1"},
        {"year": "99999"},
        {},
    ):
        assert names(read_back(post(client, query))) == {"王甲一"}, query


def test_the_register_holds_no_id_numbers(login, secretary, inspector, members, issued) -> None:
    """No ID-card numbers in the register: full ones cannot be asked for, by anyone."""
    assert post(login(secretary), data={"full_ids": "on"}).status_code == 403
    assert "full_ids" not in login(secretary).get(CERTIFICATES).content.decode()
    rows = read_back(post(login(inspector)))
    cells = {str(cell) for row in rows for cell in row}
    numbers = {member.id_number for member in members.values()}
    assert not any(number in cell for number in numbers for cell in cells)
    assert not any("*" * 11 in cell for cell in cells)


def test_the_registers_queries_do_not_grow_with_its_rows(
    login, county, tree, superuser, issued
) -> None:
    client = login(county)
    post(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert post(client).status_code == 200
        return len(queries)

    before = count()
    for index, member in enumerate(MemberFactory.create_batch(10, home_org=tree.b1)):
        away(member, actor=superuser, out_date=ago(30))
        certificate = issue_certificate(member, actor=superuser, on=ago(25))
        if index % 2:
            do_check_certificate(
                actor=superuser,
                certificate=certificate,
                year=ago(25).year,
                checked_on=ago(20),
                result=CheckResult.PASSED,
            )
    assert count() == before


def test_the_register_links_to_its_ledger_with_its_filter(login, secretary) -> None:
    page = login(secretary).get(reverse("members:certificates"), {"status": "valid"})
    assert "导出台账" in page.content.decode()
    assert export_link(page.content.decode()) == f"{CERTIFICATES}?status=valid"
