"""The arrears and anomalies pages (issue 11, item 4): totals per township and branch with the
drill-down, the members in arrears with months and amount owed, dues paid up to, the last
payment, red from six months (the party constitution, art. 9: six consecutive months without
paying dues); the filter; query counts not growing with the members; access; hostile queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.builders import pay_dues, set_dues_standard
from members.models import Member
from members.models.dues import add_months
from tests.factories import MemberFactory
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("members:dues_arrears")
ANOMALIES = reverse("members:dues_anomalies")


def month(back: int) -> dt.date:
    """The month `back` months before the current one."""
    return add_months(timezone.localdate().replace(day=1), -back)


def owing(member: Member, actor, months: int, income: str = "4000") -> Member:
    """`member` with a standard from eight months back, paid up to `months` + 1 months back:
    owes the last `months` months before the current one."""
    set_dues_standard(member, actor=actor, base_income=income, from_month=month(8))
    paid = 8 - months
    if paid:
        pay_dues(member, actor=actor, first_month=month(8), months=paid, paid_on=month(8))
    return member


@pytest.fixture
def arrears(members, superuser) -> dict[str, Member]:
    """a1 owes six months (red), a2 three, b1 one; county_branch and shared are paid up."""
    owing(members["a1"], superuser, 6)
    owing(members["a2"], superuser, 3, income="6000")
    owing(members["b1"], superuser, 1)
    owing(members["county_branch"], superuser, 0)
    owing(members["shared"], superuser, 0)
    return members


def listed(response) -> list[str]:
    return [item["member"].name for item in response.context["members"]]


def test_the_county_page_totals_and_list(arrears, county, login) -> None:
    response = login(county).get(URL)
    assert response.status_code == 200
    totals = {item["line"].name: item["line"] for item in response.context["lines"]}
    assert list(totals) == ["甲镇", "乙镇", "县直机关党支部"]
    town_a = totals["甲镇"]
    # a1: 6 x 40.00; a2: 6,000 yuan at 1.5 % = 90.00, x 3.
    assert (town_a.members, town_a.in_arrears, town_a.months_owed, town_a.amount_owed) == (
        3, 2, 9, Decimal("510.00"),
    )  # fmt: skip
    assert town_a.lapsed == 1
    assert response.context["totals"].total.amount_owed == Decimal("550.00")
    assert listed(response) == ["王甲二", "王甲一", "王乙一"]  # by pinyin: wang jia er, ...
    by_name = {item["member"].name: item for item in response.context["members"]}
    a1 = by_name["王甲一"]
    assert (a1["dues"].months_owed, a1["dues"].amount_owed) == (6, Decimal("240.00"))
    assert a1["dues"].paid_until == month(7)
    assert a1["dues"].last_paid_on == month(8)
    assert a1["lapsed"]
    assert not by_name["王甲二"]["lapsed"]
    html = response.content.decode()
    assert 'data-lapsed="1"' in html
    assert "党费交至" in html
    assert "欠缴" in html
    # The drill-down links: township A's line leads to its branches.
    link = next(i["url"] for i in response.context["lines"] if i["line"].name == "甲镇")
    drilled = login(county).get(URL + link)
    assert [i["line"].name for i in drilled.context["lines"]] == ["甲一支部", "甲二支部"]
    assert [t.name for t in drilled.context["trail"]] == ["县委"]


def test_owing_at_least_filter(arrears, county, login) -> None:
    client = login(county)
    assert listed(client.get(URL, {"owed": 3})) == ["王甲二", "王甲一"]
    six = client.get(URL, {"owed": 6})
    assert listed(six) == ["王甲一"]
    assert six.context["owing_count"] == 1


def test_a_branch_is_its_own_line(arrears, tree, secretary, login) -> None:
    response = login(secretary).get(URL)
    assert response.context["root"] == tree.a1
    lines = response.context["lines"]
    assert [(i["line"].name, i["url"]) for i in lines] == [("甲一支部", "")]
    assert listed(response) == ["王甲一"]


def test_hostile_queries_are_ignored(arrears, tree, town, login) -> None:
    client = login(town)
    for query in (
        {"org": "abc"}, {"org": "-1"}, {"org": "9" * 30}, {"owed": "7"}, {"owed": "x"},
        {"after": "!!!"}, {"before": "eyJ4Ijox"}, {"org": "1e9"}, {"owed": "\x00"},
    ):  # fmt: skip
        response = client.get(URL, query)
        assert response.status_code == 200, query
        assert response.context["root"] == tree.town_a
    # An organization that does not exist, or out of scope: 404.
    assert client.get(URL, {"org": 2**62}).status_code == 404
    assert client.get(URL, {"org": tree.b1.pk}).status_code == 404
    assert client.get(ANOMALIES, {"org": tree.b1.pk}).status_code == 404
    assert client.get(ANOMALIES, {"org": "abc"}).status_code == 200


def more_in_arrears(tree, actor, n: int) -> None:
    for i in range(n):
        member = MemberFactory.create(name=f"孙欠{i}", home_org=tree.a1 if i % 2 else tree.b1)
        owing(member, actor, 2)


@pytest.mark.parametrize("extra", [0, 8])
def test_query_counts_do_not_grow(extra, arrears, tree, county, superuser, login,
                                  django_assert_num_queries) -> None:  # fmt: skip
    """3 members in arrears, then 11: the same queries. The session, the user, the roles, the
    scope's top organizations; JIT off, the totals, the page of members with their dues, JIT
    back. A township chosen: the township and the way up, two more. The anomalies: JIT off,
    their statement, JIT back (and their members' names when there are some)."""
    more_in_arrears(tree, superuser, extra)
    client = login(county)
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert len(response.context["members"]) == 3 + extra
    with django_assert_num_queries(10):
        client.get(URL, {"org": tree.town_a.pk, "owed": 1})
    with django_assert_num_queries(7):
        client.get(ANOMALIES)


def test_paged(arrears, tree, county, superuser, login, settings) -> None:
    settings.MEMBERS_PAGE_SIZE = 2
    client = login(county)
    first = client.get(URL)
    assert listed(first) == ["王甲二", "王甲一"]
    second = client.get(URL, {"after": first.context["page"].next_cursor})
    assert listed(second) == ["王乙一"]


def test_anomalies_page(members, tree, secretary, superuser, login) -> None:
    """A month paid six months ahead is listed (settings.DUES_AHEAD_ANOMALY_MONTHS = 3)."""
    member = members["a1"]
    set_dues_standard(member, actor=superuser, base_income="4000", from_month=month(2))
    pay_dues(member, actor=superuser, first_month=month(-6), paid_on=month(0))
    pay_dues(member, actor=superuser, first_month=month(-3), paid_on=month(0))
    response = login(secretary).get(ANOMALIES)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["member"].name, r["row"].month, r["row"].kind) for r in rows] == [
        ("王甲一", month(-6), "ahead"),
    ]
    assert 'data-kind="ahead"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "org", "expected"),
    [
        ("anonymous", None, LOGIN),
        ("secretary", None, 200),
        ("committee", None, 200),
        ("town", None, 200),
        ("county", None, 200),
        ("secretary2", None, 200),
        ("station", None, 200),
        ("inspector", None, 200),
        ("superuser", None, 200),
        ("secretary", "b1", 404),
        ("secretary2", "a1", 404),
        ("station", "a1", 404),
        ("town", "county", 404),
        ("inspector", "b1", 200),
        ("county", "a1", 200),
    ],
)
def test_access(persona, org, expected, request, tree, login) -> None:
    """Anonymous → the login page; every persona sees its own scope; out of scope → 404."""
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = login(user)
    query = {"org": getattr(tree, org).pk} if org else {}
    for url in (URL, ANOMALIES):
        assert_access(
            client, url + (f"?org={query['org']}" if query else ""), expected, who=persona
        )
