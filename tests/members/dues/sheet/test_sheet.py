"""The branch's dues sheet for a month (issue 11, item 4): every member with the month's
standard (the 2008 rules: a monthly amount fixed for the year, relief applied), paid or not,
党费交至 and months owed; one form recording many payments at once, all or nothing; the
inflow organization or station recording a checked-in member's dues, which count at home."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from members.builders import away, check_in, pay_dues, set_dues_standard
from members.dues.actions import this_month
from members.models import DuesMethod, DuesPayment, DuesRelief, Member
from members.models.dues import add_months
from tests.factories import MemberFactory
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

SHEET = "members:dues_sheet"
#: A POST refused on its second row: the session, the user, the roles, the sheet (four), the
#: first entry written and the second refused inside the action's transaction (rolled back).
REFUSED_POST_QUERIES = 30


def url(org=None, month: dt.date | str | None = None) -> str:
    parts = []
    if org is not None:
        parts.append(f"org={org.pk}")
    if month is not None:
        parts.append(f"month={month if isinstance(month, str) else f'{month:%Y-%m}'}")
    return reverse(SHEET) + (f"?{'&'.join(parts)}" if parts else "")


def row_data(member: Member, **fields: str) -> dict[str, str]:
    values = {
        "paid": "on",
        "months": "1",
        "amount": "40.00",
        "method": DuesMethod.CASH,
        "receipt_number": "",
        "reference": "",
        "note": "",
        **fields,
    }
    return {f"m{member.pk}-{name}": value for name, value in values.items() if value is not None}


def sheet_post(*rows: dict[str, str], paid_on: dt.date | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "paid_on": (paid_on or timezone.localdate()).isoformat(),
        "received_by": "李会计",
    }
    for row in rows:
        data.update(row)
    return data


def paid_until(member: Member) -> dt.date | None:
    return Member.objects.with_dues(timezone.localdate()).get(pk=member.pk).dues.paid_until


@pytest.fixture
def branch(tree, members, superuser) -> list[Member]:
    """Branch A1: a1's member and two more, each on 4,000 yuan (40.00 a month) from this month
    (nothing owed before), and branch B1's member likewise (the other branch)."""
    found = [
        members["a1"],
        MemberFactory.create(name="李甲三", home_org=tree.a1),
        MemberFactory.create(name="张甲四", home_org=tree.a1),
    ]
    for member in [*found, members["b1"]]:
        set_dues_standard(member, actor=superuser, from_month=this_month())
    return found


# --- access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_access(client, url(tree.a1), LOGIN, who="anonymous")
    assert_access(client, url(tree.a1), LOGIN, method="post", who="anonymous")


@pytest.mark.parametrize("persona", ["secretary", "committee", "town"])
def test_an_organization_out_of_scope_is_not_found(request, login, tree, persona):
    client = login(request.getfixturevalue(persona))
    assert_access(client, url(tree.b1), 404, who=persona)
    assert_access(client, url(tree.bs), 404, method="post", data=sheet_post(), who=persona)


def test_the_inspector_sees_the_sheet_read_only_and_may_not_post(login, tree, branch, inspector):
    client = login(inspector)
    response = assert_access(client, url(tree.a1), 200, who="inspector")
    html = response.content.decode()
    assert "王甲一" in html
    assert "李甲三" in html
    assert f'name="m{branch[0].pk}-' not in html  # no row inputs
    assert "您可以查看本表，但不能在此登记党费。" in html
    assert_access(
        client,
        url(tree.a1),
        403,
        method="post",
        data=sheet_post(row_data(branch[0])),
        who="inspector",
    )
    assert not DuesPayment.objects.exists()


def test_the_default_is_the_users_own_branch_and_this_month(login, tree, branch, secretary):
    response = login(secretary).get(reverse(SHEET))
    assert response.status_code == 200
    assert response.context["org"] == tree.a1
    assert response.context["month"] == this_month()
    names = [row.member.name for row in response.context["rows"]]
    assert sorted(names) == sorted(m.name for m in branch)


def test_the_station_defaults_to_its_station(login, tree, station):
    response = login(station).get(reverse(SHEET))
    assert response.context["org"] == tree.bs


def test_two_branches_see_their_own_members_only(login, tree, branch, members, secretary2):
    response = login(secretary2).get(reverse(SHEET))
    assert response.context["org"] == tree.b1
    assert [row.member for row in response.context["rows"]] == [members["b1"]]


def test_a_committee_is_no_sheet_a_field_error_and_the_default(login, tree, town):
    response = login(town).get(url(tree.town_a))
    assert response.status_code == 200
    assert response.context["org"] == tree.a1
    assert "甲镇没有党费收缴表：请选择一个支部。" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "month=２０２６-１１",  # noqa: RUF001 - full-width digits, as typed on a phone
        "month=0001-01",
        "month=9999-12",
        "month=2026-13",
        "month=2026-11%00",
        "month=%00",
        "org=abc",
        "org=%00",
        "org=1%00",
        "org=-1",
        "org=１",  # noqa: RUF001 - a full-width digit
        "org=99999999999999999999999",
        "org=&month=",
        "month=2026-11&month=abc",
    ],
)
def test_hostile_query_strings_never_fail(login, tree, branch, secretary, query):
    client = login(secretary)
    response = client.get(f"{reverse(SHEET)}?{query}")
    assert response.status_code == 200, query
    assert response.context["org"] == tree.a1
    response = client.post(f"{reverse(SHEET)}?{query}", sheet_post(row_data(branch[0])))
    assert response.status_code in (200, 302), query
    if response.status_code == 200:
        assert not DuesPayment.objects.exists()


def test_far_months_are_a_field_error_and_this_month_is_shown(login, tree, secretary):
    response = login(secretary).get(url(tree.a1, "9999-12"))
    assert response.context["month"] == this_month()
    assert response.context["query"].errors["month"]


def test_an_organization_id_that_does_not_exist_is_not_found(login, secretary):
    assert login(secretary).get(f"{reverse(SHEET)}?org=987654321").status_code == 404


# --- what the sheet shows ----------------------------------------------------------------------


def test_each_row_shows_standard_paid_month_paid_up_to_and_totals(
    login, tree, branch, secretary, superuser
):
    """The month's standard (relief applied: a reduction approved for hardship, the 2008 rules
    art. 8), whether it is paid with the receipt and date, and 应缴/实缴 at the foot."""
    paid, reduced, unset = branch
    pay_dues(paid, actor=superuser, first_month=this_month(), receipt_number="A-001")
    set_dues_standard(
        reduced,
        actor=superuser,
        from_month=this_month(),
        relief=DuesRelief.REDUCED,
        relief_amount=Decimal("10.00"),
        relief_reason="家庭困难",
        relief_approved_by="甲一支部委员会",
        relief_approved_on=timezone.localdate(),
    )
    newcomer = MemberFactory.create(name="赵未定", home_org=tree.a1)
    response = login(secretary).get(url(tree.a1))
    rows = {row.member.pk: row for row in response.context["rows"]}
    assert rows[paid.pk].paid is not None
    assert not rows[paid.pk].recordable
    assert rows[reduced.pk].expected == Decimal("10.00")
    assert rows[reduced.pk].recordable
    assert rows[newcomer.pk].standard is None
    assert not rows[newcomer.pk].recordable
    html = response.content.decode()
    assert "A-001" in html
    assert "未核定标准" in html
    assert "减交" in html
    assert f'name="m{paid.pk}-paid"' not in html
    assert f'name="m{reduced.pk}-paid"' in html
    assert f'name="m{newcomer.pk}-paid"' not in html
    totals = response.context["totals"]
    assert (totals.members, totals.paid) == (4, 1)
    assert totals.expected == Decimal("90.00")  # 40 + 10 + 40, the newcomer has no standard
    assert totals.received == Decimal("40.00")
    assert "本月应缴" in html
    assert "本月实缴" in html
    assert unset in [row.member for row in response.context["rows"]]


def test_months_owed_and_paid_up_to_are_shown(login, tree, members, secretary, superuser):
    """A member on a standard since three months ago who paid the first: 党费交至 that month,
    one month owed before this one (the current month is not overdue until it is over)."""
    member = members["a1"]
    start = add_months(this_month(), -3)
    set_dues_standard(member, actor=superuser, from_month=start)
    pay_dues(member, actor=superuser, first_month=start)
    response = login(secretary).get(url(tree.a1))
    row = next(r for r in response.context["rows"] if r.member.pk == member.pk)
    assert row.member.dues.paid_until == start
    assert row.member.dues.months_owed == 2
    html = response.content.decode()
    assert f"{start:%Y-%m}" in html
    assert "2个月，80.00元" in html


def test_a_mobile_member_is_offered_a_quarter(login, tree, members, secretary, superuser):
    """Mobile members pay quarterly if they move often (the 2008 rules): three months and their
    amount are prefilled."""
    member = members["a1"]
    set_dues_standard(member, actor=superuser, from_month=this_month())
    away(member, actor=superuser)
    response = login(secretary).get(url(tree.a1))
    row = next(r for r in response.context["rows"] if r.member.pk == member.pk)
    assert (row.default_months, row.default_amount) == (3, Decimal("120.00"))
    assert f'name="m{member.pk}-months" value="3"' in response.content.decode()


# --- recording ---------------------------------------------------------------------------------


def test_three_payments_at_once(login, tree, branch, secretary):
    client = login(secretary)
    response = client.post(
        url(tree.a1),
        sheet_post(
            row_data(branch[0], receipt_number="R-1"),
            row_data(branch[1], receipt_number="R-2", method=DuesMethod.TRANSFER, reference="T9"),
            row_data(branch[2], months="2", amount="80.00", receipt_number="R-3"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url(tree.a1, this_month())
    payments = DuesPayment.objects.filter(org=tree.a1).order_by("receipt_number")
    assert [(p.member_id, p.months, p.amount, p.received_by) for p in payments] == [
        (branch[0].pk, 1, Decimal("40.00"), "李会计"),
        (branch[1].pk, 1, Decimal("40.00"), "李会计"),
        (branch[2].pk, 2, Decimal("80.00"), "李会计"),
    ]
    assert all(p.recorded_by == secretary for p in payments)
    assert paid_until(branch[2]) == add_months(this_month(), 1)
    page = client.get(response["Location"])
    assert "已登记3笔党费。" in page.content.decode()
    assert page.context["totals"].paid == 3


def test_rows_not_ticked_are_not_recorded(login, tree, branch, secretary):
    response = login(secretary).post(
        url(tree.a1),
        sheet_post(row_data(branch[0]), row_data(branch[1], paid="", amount="not a number")),
    )
    assert response.status_code == 302
    assert list(DuesPayment.objects.values_list("member_id", flat=True)) == [branch[0].pk]


def test_nothing_ticked_saves_nothing(login, tree, branch, secretary):
    response = login(secretary).post(url(tree.a1), sheet_post(row_data(branch[0], paid="")))
    assert response.status_code == 200
    assert "请勾选已交纳的党员：未保存任何记录。" in response.content.decode()


def _row_html(response, member: Member) -> str:
    html = response.content.decode()
    start = html.index(f'id="row-{member.pk}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"receipt_number": "R-OLD"}, "收据号R-OLD在甲一支部已登记过。"),
        ({"amount": "35.00"}, "35.00元与这几个月的交纳标准（40.00元）不符"),
        ({"months": "2", "amount": "80.00"}, "月的党费已交。"),
        ({"amount": "-5"}, "金额（元）"),
        ({"method": DuesMethod.ONLINE}, "请填写转账或网上支付的流水号。"),
        ({"months": "13", "amount": "520.00"}, "交纳月数"),
    ],
)
def test_one_bad_row_saves_nothing_and_says_why_on_its_row(
    login, tree, branch, secretary, superuser, bad, message
):
    """All or nothing: a receipt number already used in the branch, an amount off the standard
    without a note, a month already paid, ... → the reason in Chinese on that row, the others'
    input kept, nothing saved."""
    good, wrong, other = branch
    pay_dues(other, actor=superuser, first_month=this_month(), receipt_number="R-OLD")
    pay_dues(wrong, actor=superuser, first_month=add_months(this_month(), 1))
    before = DuesPayment.objects.count()
    response = login(secretary).post(
        url(tree.a1),
        sheet_post(row_data(good, receipt_number="R-NEW"), row_data(wrong, **bad)),
    )
    assert response.status_code == 200
    assert DuesPayment.objects.count() == before
    assert message in _row_html(response, wrong)
    assert "需要更正" in response.content.decode()
    good_row = _row_html(response, good)
    assert "invalid-feedback" not in good_row
    assert 'value="R-NEW"' in good_row
    assert "checked" in good_row


def test_a_note_explains_an_amount_off_the_standard(login, tree, branch, secretary):
    response = login(secretary).post(
        url(tree.a1), sheet_post(row_data(branch[0], amount="100.00", note="自愿多交"))
    )
    assert response.status_code == 302
    assert DuesPayment.objects.get().note == "自愿多交"


def test_a_future_paid_on_saves_nothing(login, tree, branch, secretary):
    response = login(secretary).post(
        url(tree.a1),
        sheet_post(row_data(branch[0]), paid_on=timezone.localdate() + dt.timedelta(days=2)),
    )
    assert response.status_code == 200
    assert not DuesPayment.objects.exists()


def test_a_forged_row_of_another_branch_is_ignored(login, tree, branch, members, secretary):
    response = login(secretary).post(
        url(tree.a1), sheet_post(row_data(branch[0]), row_data(members["b1"]))
    )
    assert response.status_code == 302
    assert list(DuesPayment.objects.values_list("member_id", flat=True)) == [branch[0].pk]


def test_the_station_records_a_checked_in_member_which_counts_at_home(
    login, tree, members, station, secretary, superuser
):
    """A payment at the inflow organization shows on both sides and counts at home (the 2008
    rules: mobile members pay at home or at the inflow organization with their certificate)."""
    member = members["a1"]
    set_dues_standard(member, actor=superuser, from_month=add_months(this_month(), -1))
    away(member, actor=superuser, out_date=timezone.localdate() - dt.timedelta(days=40))
    check_in(member, actor=superuser, at=tree.bs, on=timezone.localdate() - dt.timedelta(days=35))
    last_month = add_months(this_month(), -1)
    assert paid_until(member) != last_month
    client = login(station)
    response = client.get(url(tree.bs, last_month))
    assert [row.member for row in response.context["rows"]] == [member]
    html = _row_html(response, member)
    assert "流入" in html
    assert "甲一支部" in html
    response = client.post(
        url(tree.bs, last_month), sheet_post(row_data(member, receipt_number="BS-1"))
    )
    assert response.status_code == 302
    payment = DuesPayment.objects.get()
    assert (payment.org, payment.member) == (tree.bs, member)
    assert paid_until(member) == last_month
    # The home side sees it paid, received at the station.
    home = login(secretary).get(url(tree.a1, last_month))
    row_html = _row_html(home, member)
    assert "已交" in row_html
    assert tree.bs.name in row_html
    assert "BS-1" in row_html
    assert f"{last_month:%Y-%m}" in row_html


# --- menu --------------------------------------------------------------------------------------


def test_the_menu_offers_dues_to_who_may_record(login, secretary, inspector):
    link = f'href="{reverse(SHEET)}"'
    assert link in login(secretary).get(reverse("home")).content.decode()
    assert link not in login(inspector).get(reverse("home")).content.decode()


# --- query counts ------------------------------------------------------------------------------


def _grow(tree, superuser, total: int) -> list[Member]:
    existing = list(Member.objects.filter(home_org=tree.a1))
    for i in range(total - len(existing)):
        existing.append(MemberFactory.create(name=f"成员{total}-{i:02d}", home_org=tree.a1))
    for member in existing:
        if not member.dues_standards.exists():
            set_dues_standard(member, actor=superuser, from_month=this_month())
    return existing


def test_query_counts_do_not_grow_with_members(
    login, tree, members, secretary, superuser, django_assert_num_queries
):
    """Issue 11, "Done when": the sheet's GET, and a POST recording two payments, take the same
    queries with 2 and with 8 members (each payment recorded costs its own: the action locks,
    checks and audits each member)."""
    ContentType.objects.get_for_model(DuesPayment)  # cached for the process, as in production
    counts = []
    for total in (2, 8):
        branch = _grow(tree, superuser, total)
        client = login(secretary)
        with django_assert_num_queries(7) as get:
            response = client.get(url(tree.a1))
        assert len(response.context["rows"]) == total
        paid = set(DuesPayment.objects.values_list("member_id", flat=True))
        ticked = [m for m in sorted(branch, key=lambda m: m.pk) if m.pk not in paid][:2]
        client = login(secretary)
        with django_assert_num_queries(41) as post:
            response = client.post(url(tree.a1), sheet_post(*(row_data(m) for m in ticked)))
        assert response.status_code == 302
        counts.append((len(get.captured_queries), len(post.captured_queries)))
    assert counts[0] == counts[1]
    assert DuesPayment.objects.count() == 4


def test_a_refused_post_takes_the_same_queries_with_2_or_8_members(
    login, tree, members, secretary, superuser, django_assert_num_queries
):
    """A POST refused on a row re-renders the sheet: the same queries however many members."""
    for total in (2, 8):
        branch = _grow(tree, superuser, total)
        client = login(secretary)
        with django_assert_num_queries(REFUSED_POST_QUERIES):
            response = client.post(
                url(tree.a1),
                sheet_post(row_data(branch[0]), row_data(branch[1], amount="1.00")),
            )
        assert response.status_code == 200
        assert not DuesPayment.objects.exists()


def test_the_sheet_in_english(client, login, tree, branch, secretary, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = login(secretary).get(url(tree.a1))
    html = response.content.decode()
    assert "Dues sheet" in html
    assert "Save the payments ticked" in html
