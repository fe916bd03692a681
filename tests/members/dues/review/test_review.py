"""The yearly dues review page (年度核定, issue 11, item 4): a branch lists every member's base
and category for the new year and confirms it in one go (the 2008 rules,
《关于中国共产党党费收缴、使用和管理的规定》: the amount is fixed at the start of the year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from members.dues.actions import StandardInput, do_set_standard
from members.dues.review.views import default_year, review_years
from members.models import DuesCategory, DuesRelief, DuesStandard, PersonnelCategory
from tests.factories import MemberFactory
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("members:dues_review")


def url(org, year=None) -> str:
    return f"{URL}?org={org.pk}" + (f"&year={year}" if year else "")


def post_data(rows: dict) -> dict:
    """{member: (category, income, amount)} as the page posts it."""
    data = {}
    for member, (category, income, amount) in rows.items():
        data[f"{member.pk}-category"] = category
        data[f"{member.pk}-base_income"] = income
        data[f"{member.pk}-amount"] = amount
    return data


@pytest.fixture
def branch(tree, members):
    """Branch A1: a1's member, a retiree, a farmer (A2's members stay out)."""
    return {
        "a1": members["a1"],
        "retiree": MemberFactory.create(
            name="钱退休", home_org=tree.a1, personnel_category=PersonnelCategory.RETIRED
        ),
        "farmer": MemberFactory.create(
            name="孙农民", home_org=tree.a1, personnel_category=PersonnelCategory.FARMER
        ),
    }


def test_default_year_is_next_year_in_december() -> None:
    assert default_year(dt.date(2026, 12, 1)) == 2027
    assert default_year(dt.date(2026, 11, 30)) == 2026
    assert default_year(dt.date(2027, 1, 1)) == 2027
    assert review_years(dt.date(2026, 12, 1)) == [2025, 2026, 2027]


def test_the_page_lists_the_branch_prefilled(tree, branch, members, secretary, login) -> None:
    do_set_standard(
        member=branch["a1"],
        effective_from=dt.date(default_year() - 1, 1, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4200.00")),
        actor=secretary,
    )
    response = login(secretary).get(url(tree.a1))
    assert response.status_code == 200
    rows = {row["member"].pk: row for row in response.context["rows"]}
    assert set(rows) == {m.pk for m in branch.values()}
    assert members["a2"].pk not in rows
    a1 = rows[branch["a1"].pk]
    assert a1["form"].initial["base_income"] == Decimal("4200.00")
    assert a1["latest"].amount == Decimal("42.00")
    assert not a1["reviewed"]
    # No standard yet: the category the personnel category suggests.
    assert rows[branch["retiree"].pk]["form"].initial["category"] == DuesCategory.RETIRED
    assert rows[branch["farmer"].pk]["form"].initial["category"] == DuesCategory.FARMER
    html = response.content.decode()
    assert "钱退休" in html
    assert f'name="{branch["a1"].pk}-base_income"' in html
    assert "4200.00" in html


def test_confirming_the_branch_shows_the_amounts(tree, branch, secretary, login) -> None:
    year = default_year()
    client = login(secretary)
    response = client.post(
        url(tree.a1, year),
        post_data(
            {
                branch["a1"]: (DuesCategory.SALARIED, "5000.01", ""),
                branch["retiree"]: (DuesCategory.RETIRED, "5000.00", ""),
                branch["farmer"]: (DuesCategory.FARMER, "", "0.50"),
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url(tree.a1, year)
    standards = {s.member_id: s for s in DuesStandard.objects.filter(member__in=branch.values())}
    assert {s.effective_from for s in standards.values()} == {dt.date(year, 1, 1)}
    assert standards[branch["a1"].pk].amount == Decimal("75.00")
    assert standards[branch["retiree"].pk].amount == Decimal("25.00")
    assert standards[branch["farmer"].pk].amount == Decimal("0.50")
    page = client.get(response["Location"])
    assert all(row["reviewed"] for row in page.context["rows"])
    html = page.content.decode()
    assert "75.00" in html
    assert "25.00" in html
    assert page.context["reviewed"] == 3


def test_refusals_on_each_members_row_and_nothing_saved(tree, branch, secretary, login) -> None:
    response = login(secretary).post(
        url(tree.a1),
        post_data(
            {
                branch["a1"]: (DuesCategory.SALARIED, "-5", ""),
                branch["retiree"]: (DuesCategory.RETIRED, "3000", ""),
                branch["farmer"]: (DuesCategory.FARMER, "", "1.01"),
            }
        ),
    )
    assert response.status_code == 200
    rows = {row["member"].pk: row for row in response.context["rows"]}
    assert rows[branch["a1"].pk]["errors"] == ["王甲一: 金额不能为负数。"]
    assert rows[branch["farmer"].pk]["errors"] == [
        "孙农民: 请在0.20元到1.00元之间为该类别选择金额。"
    ]
    assert rows[branch["retiree"].pk]["errors"] == []
    assert not DuesStandard.objects.filter(member__in=branch.values()).exists()
    html = response.content.decode()
    assert "请更正下面标出的各行：未保存任何内容。" in html
    assert "金额不能为负数。" in html
    # What was typed is kept.
    assert 'value="-5"' in html


def test_a_missing_income_is_a_rows_refusal(tree, branch, secretary, login) -> None:
    data = post_data(dict.fromkeys(branch.values(), (DuesCategory.SALARIED, "3000", "")))
    data[f"{branch['a1'].pk}-base_income"] = ""
    response = login(secretary).post(url(tree.a1), data)
    assert response.status_code == 200
    rows = {row["member"].pk: row for row in response.context["rows"]}
    assert rows[branch["a1"].pk]["errors"]
    assert not DuesStandard.objects.exists()


def test_a_running_exemption_is_kept(tree, branch, secretary, login) -> None:
    year = default_year()
    do_set_standard(
        member=branch["a1"],
        effective_from=dt.date(year - 1, 1, 1),
        data=StandardInput(
            category=DuesCategory.SALARIED,
            base_income=Decimal("4000"),
            relief=DuesRelief.EXEMPT,
            relief_reason="重病",
            relief_approved_by="甲镇党委",
            relief_approved_on=dt.date(2025, 12, 20),
        ),
        actor=secretary,
    )
    response = login(secretary).post(
        url(tree.a1, year),
        post_data(dict.fromkeys(branch.values(), (DuesCategory.SALARIED, "4000", ""))),
    )
    assert response.status_code == 302
    new = DuesStandard.objects.get(member=branch["a1"], effective_from=dt.date(year, 1, 1))
    assert new.relief == DuesRelief.EXEMPT
    assert new.amount_in(dt.date(year, 1, 1)) == Decimal("0.00")


def test_the_inspector_sees_read_only_and_cannot_post(tree, branch, inspector, login) -> None:
    client = login(inspector)
    response = client.get(url(tree.a1))
    assert response.status_code == 200
    assert not response.context["can_change"]
    html = response.content.decode()
    assert "review-read-only" in html
    assert "-base_income" not in html
    data = post_data(dict.fromkeys(branch.values(), (DuesCategory.SALARIED, "3000", "")))
    assert_access(client, url(tree.a1), 403, method="post", data=data, who="inspector")
    assert not DuesStandard.objects.exists()


def test_access(tree, branch, secretary, secretary2, station, login) -> None:
    assert_access(login(None), url(tree.a1), LOGIN)
    assert_access(login(secretary2), url(tree.a1), 404, who="secretary2")
    assert_access(login(station), url(tree.a1), 404, who="station")
    data = post_data(dict.fromkeys(branch.values(), (DuesCategory.SALARIED, "3000", "")))
    assert_access(login(secretary2), url(tree.a1), 404, method="post", data=data)
    assert not DuesStandard.objects.exists()
    assert_access(login(secretary), url(tree.a1), 302, method="post", data=data)


def test_the_default_branch_is_the_users_first_in_change_scope(
    tree, secretary, secretary2, town, station, login
) -> None:
    assert login(secretary).get(URL).context["org"] == tree.a1
    assert login(secretary2).get(URL).context["org"] == tree.b1
    assert login(town).get(URL).context["org"] in (tree.a1, tree.a2)
    response = login(station).get(URL)
    assert response.context["org"] is None
    assert "review-no-branch" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?org=abc",
        "?org=%00",
        "?org=99999999999999999999999",
        "?org=-1",
        "?org=",
        "?org=1e3",
        "?org=²",
    ],
)
def test_hostile_org_is_404(secretary, login, query) -> None:
    assert login(secretary).get(URL + query).status_code == 404


@pytest.mark.parametrize(
    "year", ["abc", "%00", "1900", "99999999999999999999", "-2026", "", "2026.5", "\uff11\uff12"]
)
def test_hostile_year_is_the_default_year(tree, secretary, login, year) -> None:
    response = login(secretary).get(f"{url(tree.a1)}&year={year}")
    assert response.status_code == 200
    assert response.context["year"] == default_year()


def test_a_posted_forged_member_is_ignored(tree, branch, members, secretary, login) -> None:
    """Only the branch's listed members are read from the POST: another branch's member id is
    no entry."""
    data = post_data(dict.fromkeys(branch.values(), (DuesCategory.SALARIED, "3000", "")))
    data.update(post_data({members["a2"]: (DuesCategory.SALARIED, "3000", "")}))
    response = login(secretary).post(url(tree.a1), data)
    assert response.status_code == 302
    assert not DuesStandard.objects.filter(member=members["a2"]).exists()


def _branch_of(tree, n):
    for i in range(n - 1):
        MemberFactory.create(name=f"周{i}", home_org=tree.a1)


#: The review page's queries: session, user, roles; the branch asked for; the members, their
#: latest standards.
GET_QUERIES = 6
#: Confirming: the page's six; the action's savepoint, the members locked, their latest
#: standards again (under the lock), the county above the branch, the rates in force, one
#: insert of every standard, one audit entry, the savepoint released.
POST_QUERIES = 14
#: Refused: the same up to the rates, then the savepoint rolled back and released.
REFUSED_QUERIES = 13


@pytest.mark.parametrize("count", [2, 8])
def test_get_queries_do_not_grow_with_members(
    tree, members, secretary, login, django_assert_num_queries, count
) -> None:
    _branch_of(tree, count)
    client = login(secretary)
    for member in list(members.values())[:1]:
        do_set_standard(
            member=member,
            effective_from=dt.date(default_year() - 1, 1, 1),
            data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4200")),
            actor=secretary,
        )
    with django_assert_num_queries(GET_QUERIES):
        response = client.get(url(tree.a1))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [2, 8])
def test_post_queries_do_not_grow_with_members(
    tree, members, secretary, login, django_assert_num_queries, count
) -> None:
    """One POST confirms the branch with the same queries for 2 members or 8 (the action is
    set-based: one insert of every standard, one audit entry naming them)."""
    from django.contrib.contenttypes.models import ContentType

    from members.models import Member
    from organizations.models import Organization

    _branch_of(tree, count)
    listed = list(Member.objects.filter(home_org=tree.a1))
    assert len(listed) == count
    # Corrected in place for one of them: the same queries.
    do_set_standard(
        member=listed[0],
        effective_from=dt.date(default_year(), 1, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("100")),
        actor=secretary,
    )
    ContentType.objects.get_for_model(Organization)
    client = login(secretary)
    refused = post_data(dict.fromkeys(listed, (DuesCategory.SALARIED, "-1", "")))
    with django_assert_num_queries(REFUSED_QUERIES):
        response = client.post(url(tree.a1), refused)
    assert response.status_code == 200
    assert all(row["errors"] for row in response.context["rows"])
    good = post_data(dict.fromkeys(listed, (DuesCategory.SALARIED, "10000.01", "")))
    with django_assert_num_queries(POST_QUERIES):
        response = client.post(url(tree.a1), good)
    assert response.status_code == 302
    amounts = DuesStandard.objects.filter(
        member__in=listed, effective_from=dt.date(default_year(), 1, 1)
    ).values_list("amount", flat=True)
    assert list(amounts) == [Decimal("200.00")] * count
