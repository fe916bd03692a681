"""A member's dues pages (issue 11, item 4: the member's dues history): the history, a payment,
the standard, voiding a payment, and the panel on the member's page.

The rules: the 2008 dues rules (《关于中国共产党党费收缴、使用和管理的规定》) — a monthly standard
from the income bands or a fixed amount, reduced or exempted on approval, probationary members
paying from the month they are admitted, mobile members paying monthly or quarterly at home or at
the inflow organization (counting at home); and the party constitution, art. 9 — six consecutive
months unpaid counts as leaving the party (the panel marks it red)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.builders import away, check_in, pay_dues, set_dues_standard
from members.mobility.actions import do_end_episode
from members.models import (
    DuesCategory,
    DuesPayment,
    EpisodeStatus,
    Member,
    PersonnelCategory,
)
from members.models.dues import add_months
from tests.factories import MemberFactory
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

THIS_MONTH = timezone.localdate().replace(day=1)
#: The standard starts in January of last year (the builder's default): 40.00 a month.
START = dt.date(THIS_MONTH.year - 1, 1, 1)
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def history(member: Member) -> str:
    return reverse("members:member_dues", args=[member.pk])


def pay_url(member: Member) -> str:
    return reverse("members:dues_pay", args=[member.pk])


def standard_url(member: Member) -> str:
    return reverse("members:dues_standard", args=[member.pk])


def dues(member: Member):
    return Member.objects.with_dues(timezone.localdate()).get(pk=member.pk).dues


def payment_form(first: dt.date, months: int = 1, amount: str = "40.00", **extra: str) -> dict:
    return {
        "first_month": f"{first:%Y-%m}",
        "months": str(months),
        "amount": amount,
        "method": "cash",
        "paid_on": f"{YESTERDAY:%Y-%m-%d}",
        "received_by": "李会计",
        **extra,
    }


def errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "member", "persona", "expected"),
    [
        ("members:member_dues", "a1", "anonymous", LOGIN),
        ("members:member_dues", "a1", "secretary2", 404),
        ("members:member_dues", "a1", "inspector", 200),
        ("members:member_dues", "shared", "station", 200),
        ("members:dues_pay", "a1", "anonymous", LOGIN),
        ("members:dues_pay", "a1", "secretary2", 404),
        ("members:dues_pay", "a1", "inspector", 403),
        # Shared with the station by a grant, but not checked in with it: not its payment.
        ("members:dues_pay", "shared", "station", 403),
        ("members:dues_pay", "a1", "committee", 200),
        ("members:dues_standard", "a1", "anonymous", LOGIN),
        ("members:dues_standard", "a1", "station", 404),
        ("members:dues_standard", "a1", "inspector", 403),
        ("members:dues_standard", "shared", "station", 403),
        ("members:dues_standard", "a1", "secretary", 200),
    ],
)
def test_who_may_open_the_pages(
    view: str, member: str, persona: str, expected: int | str, members, request, login
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    url = reverse(view, args=[members[member].pk])
    assert_access(login(user), url, expected, who=persona)


def test_who_may_void_a_payment(members, secretary, login, request):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    payment = pay_dues(member, actor=secretary, first_month=START)
    url = reverse("members:dues_void", args=[payment.pk])
    cases: list[tuple[str, int | str]] = [
        ("anonymous", LOGIN),
        ("station", 404),
        ("secretary2", 404),
        ("inspector", 403),
        ("committee", 200),
    ]
    for persona, expected in cases:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        assert_access(login(user), url, expected, who=persona)
    # Voided already: nothing more to void.
    client = login(secretary)
    assert client.post(url, {"reason": "重复录入"}).status_code == 302
    assert_access(client, url, 403, method="post", data={"reason": "再次"})


# --- the history page -------------------------------------------------------------------------


def test_the_history_costs_the_same_with_more_payments(
    members, secretary, login, django_assert_num_queries
):
    """The 2008 dues rules: monthly payments; the page reads them all in one query, and the
    month grid in one more, however many there are."""
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    for i in range(2):
        pay_dues(member, actor=secretary, first_month=add_months(START, i), receipt_number=f"R{i}")
    client = login(secretary)
    with django_assert_num_queries(HISTORY_QUERIES):
        page = client.get(history(member))
    assert len(page.context["payments"]) == 2
    for i in range(2, 12):
        pay_dues(member, actor=secretary, first_month=add_months(START, i), receipt_number=f"R{i}")
    with django_assert_num_queries(HISTORY_QUERIES):
        page = client.get(history(member))
    assert len(page.context["payments"]) == 12
    assert page.context["dues"].paid_until == add_months(START, 11)


#: Session, user, roles, the organizations in view scope and the members shared with them, the
#: member with its dues (one SQL), the payments (with where paid and who recorded them), where
#: the user may record a payment (the checked-in absence), the standards (with their bands and
#: who set them), the month grid (months due and paid, one SQL).
HISTORY_QUERIES = 10


def test_the_history_shows_the_state_the_standards_and_the_grid(members, secretary, login):
    member = members["a1"]
    set_dues_standard(member, actor=secretary, base_income="4000")
    pay_dues(member, actor=secretary, first_month=START, months=3, receipt_number="NO.001")
    page = login(secretary).get(history(member))
    content = page.content.decode()
    owed = 12 * (THIS_MONTH.year - START.year) + THIS_MONTH.month - 1 - 3
    assert page.context["dues"].months_owed == owed
    assert page.context["dues"].paid_until == add_months(START, 2)
    assert "党费交至" in content
    assert f"{add_months(START, 2):%Y-%m}" in content
    assert "4000.00" in content  # the base income, for the home side
    cells = {c.month: c for _year, row in page.context["grid"] for c in row}
    assert cells[START].state == "paid"
    assert cells[START].payment.receipt_number == "NO.001"
    assert cells[add_months(START, 3)].state == "owed"
    assert cells[add_months(START, -1)].state == "not_due"
    assert cells[THIS_MONTH].state == "upcoming"  # not overdue until it is over
    assert cells[THIS_MONTH].due == Decimal("40.00")
    assert [year for year, _row in page.context["grid"]] == [
        THIS_MONTH.year,
        THIS_MONTH.year - 1,
        THIS_MONTH.year - 2,
    ]


def test_the_base_income_is_for_the_home_side_only(members, secretary, inspector, login):
    member = members["a1"]
    set_dues_standard(member, actor=secretary, base_income="4321")
    assert "4321.00" in login(secretary).get(history(member)).content.decode()
    other = login(inspector).get(history(member)).content.decode()
    assert "4321" not in other
    assert "43.21" in other  # the amount is not sensitive


# --- payments ---------------------------------------------------------------------------------


def test_the_payment_form_starts_at_the_first_month_owed_with_the_standard(
    members, secretary, login
):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    pay_dues(member, actor=secretary, first_month=START, months=2)
    form = login(secretary).get(pay_url(member)).context["form"]
    assert form.initial["first_month"] == add_months(START, 2)
    assert form.initial["amount"] == Decimal("40.00")
    assert "org" not in form.fields  # one place only: the home branch


def test_compute_fills_in_the_amount_for_the_months_chosen(members, secretary, login):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    response = login(secretary).post(
        pay_url(member), {**payment_form(START, 3, amount=""), "step": "compute"}
    )
    assert response.status_code == 200
    assert response.context["form"].initial["amount"] == Decimal("120.00")
    assert not DuesPayment.objects.filter(member=member).exists()


def test_a_quarterly_payment_moves_paid_up_to_by_three_months(members, secretary, login):
    """The 2008 dues rules: members who move often may pay quarterly: one payment, three
    months."""
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    pay_dues(member, actor=secretary, first_month=START)
    assert dues(member).paid_until == START
    response = login(secretary).post(pay_url(member), payment_form(add_months(START, 1), 3, "120"))
    assert response.status_code == 302
    assert response["Location"] == history(member)
    payment = DuesPayment.objects.get(member=member, first_month=add_months(START, 1))
    assert (payment.months, payment.amount) == (3, Decimal("120.00"))
    assert dues(member).paid_until == add_months(START, 3)


def test_a_probationary_members_first_month(members, secretary, login):
    """The 2008 dues rules: probationary members pay from the month they are admitted; joined
    mid-month, that month is due and the month before is not."""
    member = members["a1"]
    joined = dt.date(THIS_MONTH.year - 1, 6, 20)
    Member.objects.filter(pk=member.pk).update(
        membership="probationary", joined_on=joined, full_member_on=None
    )
    member.refresh_from_db()
    set_dues_standard(member, actor=secretary, category=DuesCategory.STUDENT, base_income=None)
    client = login(secretary)
    page = client.get(history(member))
    cells = {c.month: c for _year, row in page.context["grid"] for c in row}
    assert cells[dt.date(joined.year, 5, 1)].state == "not_due"
    assert cells[dt.date(joined.year, 6, 1)].state == "owed"
    assert client.get(pay_url(member)).context["form"].initial["first_month"] == dt.date(
        joined.year, 6, 1
    )
    refused = client.post(pay_url(member), payment_form(dt.date(joined.year, 5, 1), 1, "0.20"))
    assert refused.status_code == 200
    assert "入党" in errors(refused)
    assert not DuesPayment.objects.filter(member=member).exists()
    saved = client.post(pay_url(member), payment_form(dt.date(joined.year, 6, 1), 1, "0.20"))
    assert saved.status_code == 302
    assert dues(member).paid_until == dt.date(joined.year, 6, 1)


def test_a_payment_not_matching_the_standard_needs_a_note(members, secretary, login):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    client = login(secretary)
    refused = client.post(pay_url(member), payment_form(START, 1, "50.00"))
    assert refused.status_code == 200
    assert "备注" in errors(refused)
    assert not DuesPayment.objects.filter(member=member).exists()
    saved = client.post(pay_url(member), payment_form(START, 1, "50.00", note="自愿多交"))
    assert saved.status_code == 302
    assert DuesPayment.objects.get(member=member).note == "自愿多交"


def test_a_receipt_number_once_per_organization(members, tree, town, secretary2, station, login):
    member = members["a1"]
    other = MemberFactory.create(name="王甲三", home_org=tree.a1)
    for m in (member, other):
        set_dues_standard(m, actor=town)
    client = login(town)
    assert (
        client.post(pay_url(member), payment_form(START, receipt_number="A-1")).status_code == 302
    )
    refused = client.post(pay_url(other), payment_form(START, receipt_number="A-1"))
    assert refused.status_code == 200
    assert "收据号A-1" in errors(refused)
    assert not DuesPayment.objects.filter(member=other).exists()
    # The same number at another organization (the station, for a member checked in there).
    traveller = members["b1"]
    set_dues_standard(traveller, actor=secretary2)
    away(traveller, actor=secretary2)
    check_in(traveller, actor=station, at=tree.bs)
    saved = login(station).post(pay_url(traveller), payment_form(START, receipt_number="A-1"))
    assert saved.status_code == 302
    assert DuesPayment.objects.get(member=traveller).org == tree.bs


def test_a_payment_at_the_inflow_organization_counts_at_home_and_shows_on_both_sides(
    members, tree, secretary, station, county, login
):
    """The 2008 dues rules: a mobile member may pay at the inflow organization with the
    activity certificate; it records the payment on its side and it counts at home."""
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    episode = away(member, actor=secretary)
    check_in(member, actor=station, at=tree.bs)
    client = login(station)  # (each login() is the one test client, logged in anew)
    form = client.get(pay_url(member)).context["form"]
    assert "org" not in form.fields  # the station records at the station only
    response = client.post(pay_url(member), payment_form(START, 3, "120", receipt_number="S-9"))
    assert response.status_code == 302
    payment = DuesPayment.objects.get(member=member)
    assert (payment.org, payment.recorded_by) == (tree.bs, station)
    assert dues(member).paid_until == add_months(START, 2)  # counts at home

    home = login(secretary).get(history(member))
    assert [p.pk for p, _inflow, _void in home.context["payments"]] == [payment.pk]
    assert home.context["payments"][0][1] is True  # marked as collected at the inflow side
    assert "流入地代收" in home.content.decode()
    assert "乙镇流动党员服务站" in home.content.decode()
    there = login(station).get(history(member))
    assert [p.pk for p, _inflow, _void in there.context["payments"]] == [payment.pk]
    assert "4000.00" not in there.content.decode()  # the base income stays at home

    # The county may record at either place: it chooses.
    assert "org" in login(county).get(pay_url(member)).context["form"].fields

    # Back home: the station no longer sees the member, but keeps the payment it received.
    do_end_episode(
        actor=secretary, episode=episode, status=EpisodeStatus.RETURNED, ended_on=YESTERDAY
    )
    assert login(station).get(history(member)).status_code == 404
    assert list(DuesPayment.objects.visible_to(station)) == [payment]
    assert not DuesPayment.objects.visible_to(station).filter(org=tree.a1).exists()


def test_voiding_makes_the_months_owed_again(members, secretary, login):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    pay_dues(member, actor=secretary, first_month=START)
    payment = pay_dues(member, actor=secretary, first_month=add_months(START, 1), months=3)
    assert dues(member).paid_until == add_months(START, 3)
    client = login(secretary)
    url = reverse("members:dues_void", args=[payment.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert dues(member).paid_until == add_months(START, 3)
    response = client.post(url, {"reason": "录入重复"})
    assert response["Location"] == history(member)
    assert dues(member).paid_until == START
    page = client.get(history(member))
    cells = {c.month: c for _year, row in page.context["grid"] for c in row}
    assert cells[add_months(START, 1)].state == "owed"
    content = page.content.decode()
    assert "录入重复" in content
    assert "text-decoration-line-through" in content
    # The voided payment's months can be paid again.
    pay_dues(member, actor=secretary, first_month=add_months(START, 1), months=3)
    assert dues(member).paid_until == add_months(START, 3)


# --- the standard -----------------------------------------------------------------------------


def test_the_standard_form_suggests_the_category_of_the_personnel_category(
    members, secretary, login
):
    member = members["a1"]
    Member.objects.filter(pk=member.pk).update(personnel_category=PersonnelCategory.FARMER)
    form = login(secretary).get(standard_url(member)).context["form"]
    assert form.initial["category"] == DuesCategory.FARMER


def test_setting_the_standard_says_the_amount(members, secretary, login):
    """The 2008 dues rules: 3,000 to 5,000 yuan after tax: 1%."""
    member = members["a1"]
    client = login(secretary)
    response = client.post(
        standard_url(member),
        {
            "effective_from": f"{START:%Y-%m}",
            "category": "salaried",
            "base_income": "4500",
            "relief": "none",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == history(member)
    message = " ".join(str(m) for m in response.context["messages"])
    assert "45.00" in message
    assert response.context["standards"][0].amount == Decimal("45.00")
    # A farmer's amount outside the fixed range is refused in words, nothing saved.
    refused = client.post(
        standard_url(member),
        {
            "effective_from": f"{THIS_MONTH:%Y-%m}",
            "category": "farmer",
            "amount": "2.00",
            "relief": "none",
        },
    )
    assert refused.status_code == 200
    assert "0.20" in errors(refused)
    assert len(client.get(history(member)).context["standards"]) == 1


def relief_form(relief: str, **extra: str) -> dict:
    return {
        "effective_from": f"{START:%Y-%m}",
        "category": "salaried",
        "base_income": "4000",
        "relief": relief,
        "relief_reason": "因病生活困难",
        "relief_approved_by": "甲镇党委",
        "relief_approved_on": f"{START:%Y-%m-%d}",
        **extra,
    }


def test_exempt_months_are_not_owed(members, secretary, login):
    """The 2008 dues rules: a member in hardship may be exempted on approval."""
    member = members["a1"]
    client = login(secretary)
    until = add_months(START, 5)
    response = client.post(
        standard_url(member), relief_form("exempt", relief_until=f"{until:%Y-%m}")
    )
    assert response.status_code == 302
    owed = 12 * (THIS_MONTH.year - START.year) + THIS_MONTH.month - 1
    assert dues(member).months_owed == owed - 6
    page = client.get(history(member))
    cells = {c.month: c for _year, row in page.context["grid"] for c in row}
    assert cells[START].state == "exempt"
    assert cells[add_months(START, 6)].state == "owed"
    content = page.content.decode()
    assert "因病生活困难" in content
    assert "甲镇党委" in content


def test_a_reduced_standard_is_what_a_payment_expects(members, secretary, login):
    """The 2008 dues rules: reduced on approval: the reduced amount is due."""
    member = members["a1"]
    client = login(secretary)
    refused = client.post(standard_url(member), relief_form("reduced"))
    assert refused.status_code == 200  # no reduced amount
    assert (
        client.post(standard_url(member), relief_form("reduced", relief_amount="10.00")).status_code
        == 302
    )
    assert client.get(pay_url(member)).context["form"].initial["amount"] == Decimal("10.00")
    assert client.post(pay_url(member), payment_form(START, 1, "10.00")).status_code == 302
    assert dues(member).paid_until == START


def test_a_relief_needs_its_approval(members, secretary, login):
    member = members["a1"]
    response = login(secretary).post(
        standard_url(member), relief_form("exempt", relief_approved_by="")
    )
    assert response.status_code == 200
    assert "批准" in str(response.context["form"].errors)


# --- the panel --------------------------------------------------------------------------------


def panel_of(page):
    return next(p.context for p in page.context["panels"]["sections"] if p.name == "dues")


def test_the_panel_says_paid_up_to_and_marks_arrears(members, secretary, inspector, login):
    """The party constitution, art. 9: six consecutive months unpaid — marked red."""
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    owed = 12 * (THIS_MONTH.year - START.year) + THIS_MONTH.month - 1
    pay_dues(member, actor=secretary, first_month=START, months=min(owed - 6, 12))
    client = login(secretary)
    page = client.get(reverse("members:detail", args=[member.pk]))
    panel = panel_of(page)
    assert panel["dues"].months_owed >= 6
    assert panel["owed_css"] == "danger"
    assert (panel["can_pay"], panel["can_set_standard"]) == (True, True)
    content = page.content.decode()
    assert history(member) in content
    assert pay_url(member) in content
    assert standard_url(member) in content
    pay_dues(member, actor=secretary, first_month=add_months(START, 12), months=owed - 13)
    panel = panel_of(client.get(reverse("members:detail", args=[member.pk])))
    assert (panel["dues"].months_owed, panel["owed_css"]) == (1, "warning")
    assert panel["dues"].last_paid_on == timezone.localdate()
    seen = login(inspector).get(reverse("members:detail", args=[member.pk]))
    assert (panel_of(seen)["can_pay"], panel_of(seen)["can_set_standard"]) == (False, False)
    assert pay_url(member) not in seen.content.decode()


def test_the_panel_offers_the_station_a_payment_of_a_member_checked_in_with_it(
    members, tree, secretary, station, login
):
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    away(member, actor=secretary)
    check_in(member, actor=station, at=tree.bs)
    panel = panel_of(login(station).get(reverse("members:detail", args=[member.pk])))
    assert (panel["can_pay"], panel["can_set_standard"]) == (True, False)
    shared = panel_of(login(station).get(reverse("members:detail", args=[members["shared"].pk])))
    assert shared["can_pay"] is False
