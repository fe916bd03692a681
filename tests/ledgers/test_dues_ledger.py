"""The party dues ledger (党费收缴台账, issue 13): for a year, every member on the register of the
organization the arrears page shows, with the standard, the twelve months paid, the year's
total and what is owed in the year; a totals row; the page's scope, which a query string cannot
widen; the year from the export form; constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.builders import pay_dues, set_dues_standard
from members.models import Member
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back
from tests.test_hostile_queries import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("ledgers:export", args=["dues"])
#: The year every test's payments are in: a past year, due whole whatever today is.
YEAR = timezone.localdate().year - 1
MONTHS = tuple(f"{n}月" for n in range(1, 13))
HEADERS = (
    "姓名",
    "所在党支部",
    "月缴纳标准（元）",
    *MONTHS,
    "全年实缴（元）",
    "欠缴月数",
    "欠缴金额（元）",
)
ALL = {"王甲一", "王甲二", "王县直", "王乙一", "王流入"}


def month(n: int, year: int = YEAR) -> dt.date:
    return dt.date(year, n, 1)


@pytest.fixture
def dues(members, superuser) -> dict[str, Member]:
    """Standards from January of YEAR (40.00 a month; a2 on 6,000 yuan: 90.00). a1 paid
    January to March and June, a2 the whole year, b1 January and February, the county's
    branch member six months, the inflow member (held by A2) nothing."""
    for key, income in (
        ("a1", "4000"),
        ("a2", "6000"),
        ("b1", "4000"),
        ("county_branch", "4000"),
        ("shared", "4000"),
    ):
        set_dues_standard(members[key], actor=superuser, base_income=income, from_month=month(1))
    pay_dues(members["a1"], actor=superuser, first_month=month(1), months=3)
    pay_dues(members["a1"], actor=superuser, first_month=month(6))
    pay_dues(members["a2"], actor=superuser, first_month=month(1), months=12)
    pay_dues(members["b1"], actor=superuser, first_month=month(1), months=2)
    pay_dues(members["county_branch"], actor=superuser, first_month=month(1), months=6)
    return members


def export(client, **query: object) -> list[tuple]:
    response = client.post(f"{URL}?{urlencode(query)}")
    assert response.status_code == 200
    return read_back(response)


def lines(rows: list[tuple]) -> dict[str, tuple]:
    """The members' lines by name (the totals row and the heading left out)."""
    return {row[0]: row for row in rows[3:] if row[0] and row[0] != "合计"}


def test_the_columns_and_the_title(login, county, dues) -> None:
    rows = export(login(county), year=YEAR)
    assert rows[0][0] == f"{YEAR}年度党费收缴台账"
    assert rows[2] == HEADERS
    assert f"年度：{YEAR}" in rows[1][0]


def test_a_members_line_against_their_payments(login, county, dues) -> None:
    line = lines(export(login(county), year=YEAR))["王甲一"]
    values = dict(zip(HEADERS, line, strict=True))
    assert values["所在党支部"] == "甲一支部"
    assert values["月缴纳标准（元）"] == 40
    paid = {name: values[name] for name in MONTHS}
    assert paid == {
        **dict.fromkeys(MONTHS),
        "1月": 40,
        "2月": 40,
        "3月": 40,
        "6月": 40,
    }
    assert values["全年实缴（元）"] == 160
    # Owed: the eight months of YEAR not paid.
    assert (values["欠缴月数"], values["欠缴金额（元）"]) == (8, 320)
    # Nothing paid: the year's total is 0, each month empty.
    shared = dict(zip(HEADERS, lines(export(login(county), year=YEAR))["王流入"], strict=True))
    assert (shared["1月"], shared["全年实缴（元）"], shared["欠缴月数"]) == (None, 0, 12)
    a2 = dict(zip(HEADERS, lines(export(login(county), year=YEAR))["王甲二"], strict=True))
    assert (a2["月缴纳标准（元）"], a2["12月"], a2["全年实缴（元）"], a2["欠缴月数"]) == (
        90,
        90,
        1080,
        0,
    )


def test_the_totals_row_sums_the_money_and_the_months(login, county, dues) -> None:
    rows = export(login(county), year=YEAR)
    totals = dict(zip(HEADERS, rows[-1], strict=True))
    assert totals["姓名"] == "合计"
    assert totals["所在党支部"] is None
    assert totals["月缴纳标准（元）"] == 40 * 4 + 90
    # January: a1, a2, b1, county_branch paid; July: a2 only.
    assert (totals["1月"], totals["7月"]) == (40 * 3 + 90, 90)
    assert totals["全年实缴（元）"] == 160 + 1080 + 80 + 240
    # Owed: a1 8, b1 10, county_branch 6, shared 12 months, all at 40.00.
    assert totals["欠缴月数"] == 8 + 10 + 6 + 12
    assert Decimal(str(totals["欠缴金额（元）"])) == Decimal((8 + 10 + 6 + 12) * 40)


def test_the_county_ledger_holds_every_member_of_both_townships_once(login, county, dues) -> None:
    rows = export(login(county), year=YEAR)
    assert set(lines(rows)) == ALL
    assert len(rows) == 3 + len(ALL) + 1
    # In the tree's order: township A's branches, township B's, the county's own branch.
    assert [row[1] for row in rows[3:-1]] == [
        "甲一支部",
        "甲二支部",
        "甲二支部",
        "乙一支部",
        "县直机关党支部",
    ]


def test_the_organization_chosen_on_the_page(login, county, tree, dues) -> None:
    rows = export(login(county), org=tree.town_b.pk, year=YEAR)
    assert set(lines(rows)) == {"王乙一"}
    assert "乙镇" in rows[1][0]


def test_a_secretary_cannot_widen_the_ledger_by_the_query_string(
    login, secretary, tree, dues
) -> None:
    client = login(secretary)
    for query in ({"org": tree.county.pk}, {"org": tree.b1.pk}, {"org": "1 OR 1=1"}, {}):
        assert set(lines(export(client, year=YEAR, **query))) == {"王甲一"}, query


def test_the_year_is_this_years_unless_a_valid_one_is_asked_for(login, county, dues) -> None:
    this_year = timezone.localdate().year
    client = login(county)
    for query in ({}, {"year": "1e999"}, {"year": "1900"}, {"year": str(this_year + 5)}):
        rows = export(client, **query)
        assert rows[0][0] == f"{this_year}年度党费收缴台账", query
        # Nothing of YEAR was paid in this year.
        assert lines(rows)["王甲二"][3:15] == (None,) * 12


def test_no_id_numbers_so_no_full_ones_offered(login, secretary, dues) -> None:
    client = login(secretary)
    assert "full_ids" not in client.get(URL).content.decode()
    assert client.post(URL, {"full_ids": "on"}).status_code == 403


def test_the_arrears_page_offers_the_export_with_its_organization(login, county, tree) -> None:
    page = login(county).get(reverse("members:dues_arrears"), {"org": tree.town_a.pk})
    html = page.content.decode()
    assert f'action="{URL}"' in html
    assert f'name="org" value="{tree.town_a.pk}"' in html
    assert "导出台账" in html


def test_the_ledgers_queries_do_not_grow_with_its_rows(login, county, superuser, tree) -> None:
    client = login(county)
    export(client, year=YEAR)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(client, year=YEAR)
        return len(queries)

    before = count()
    for member in MemberFactory.create_batch(12, home_org=tree.a2):
        set_dues_standard(member, actor=superuser, from_month=month(1))
        pay_dues(member, actor=superuser, first_month=month(1), months=2)
    assert count() == before


def test_a_hostile_query_string_is_ignored_never_a_500(login, county, secretary) -> None:
    """Each hostile value of tests/test_hostile_queries.py in every parameter the ledger reads:
    the export page answers with the filters it could apply, the file is written."""
    for user in (county, secretary):
        client = login(user)
        for value in HOSTILE:
            query = urlencode(dict.fromkeys(("org", "year", "owed"), value))
            assert client.get(f"{URL}?{query}").status_code == 200, (user, value)
        assert client.post(f"{URL}?{query}").status_code == 200
