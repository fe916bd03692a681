"""The dues standard by the 2008 rules (《关于中国共产党党费收缴、使用和管理的规定》, issue 11,
item 1): each category, every band edge, relief, a county's own rates, and absurd input.

Every amount is written out by hand here, never computed by the code under test: a share of the
monthly base income, rounded to the fen half up (ROUND_HALF_UP), as the rules count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues.actions import (
    BandInput,
    StandardInput,
    compute_standard,
    do_set_rates,
    do_set_standard,
    this_month,
)
from members.dues.rules import RULES_2008_FROM, band_for
from members.models import DuesCategory, DuesRate, DuesRelief, DuesStandard, Membership
from members.models.dues import add_months
from organizations.models import OrgKind
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

S = DuesCategory.SALARIED
R = DuesCategory.RETIRED


def amount(member, category, income=None, chosen=None, month=None) -> Decimal:
    _rate, value = compute_standard(
        member,
        month or this_month(),
        StandardInput(
            category=category,
            base_income=None if income is None else Decimal(income),
            amount=None if chosen is None else Decimal(chosen),
        ),
    )
    return value


def refusal(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- salaried: four bands (0.5 %, 1 %, 1.5 %, 2 %) ---------------------------------------------


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("0.00", "0.00"),
        ("0.01", "0.00"),  # 0.00005 rounds to 0.00
        ("1.00", "0.01"),  # 0.005 → 0.01: half up
        ("1234.57", "6.17"),  # 6.17285 → 6.17
        ("1235.00", "6.18"),  # 6.175 → 6.18: half up, not half even
        ("1237.00", "6.19"),  # 6.185 → 6.19: half up (half even would give 6.18)
        ("3000.00", "15.00"),  # the top of the 0.5 % band
        ("3000.01", "30.00"),  # 1 %: 30.0001
        ("3050.50", "30.51"),  # 30.505 → 30.51
        ("5000.00", "50.00"),  # the top of the 1 % band
        ("5000.01", "75.00"),  # 1.5 %: 75.00015
        ("5001.00", "75.02"),  # 75.015 → 75.02
        ("10000.00", "150.00"),  # the top of the 1.5 % band
        ("10000.01", "200.00"),  # 2 %: 200.0002
        ("12345.25", "246.91"),  # 246.905 → 246.91
        ("1000000.00", "20000.00"),  # settings.DUES_MAX_MONTHLY_INCOME itself
    ],
)
def test_salaried_bands(members, income, expected) -> None:
    """Salaried members pay a share of the after-tax monthly salary: up to 3,000 yuan 0.5 %,
    3,000 to 5,000 1 %, 5,000 to 10,000 1.5 %, above 10,000 2 % (the 2008 rules, art. 2)."""
    assert amount(members["a1"], S, income) == Decimal(expected)


@pytest.mark.parametrize(
    ("income", "percent"),
    [
        ("0.00", "0.5"),
        ("3000.00", "0.5"),
        ("3000.01", "1"),
        ("5000.00", "1"),
        ("5000.01", "1.5"),
        ("10000.00", "1.5"),
        ("10000.01", "2"),
    ],
)
def test_salaried_band_edges_pick_the_band(members, income, percent) -> None:
    """The band edge belongs to the lower band: "3,000 yuan and below" is 0.5 %."""
    rate, _ = compute_standard(
        members["a1"], this_month(), StandardInput(category=S, base_income=Decimal(income))
    )
    assert rate.percent == Decimal(percent)
    assert rate.county_id is None
    assert rate.effective_from == RULES_2008_FROM


# --- retirees: two bands (0.5 %, 1 %) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("0.00", "0.00"),
        ("2501.00", "12.51"),  # 12.505 → 12.51
        ("5000.00", "25.00"),  # the top of the 0.5 % band
        ("5000.01", "50.00"),  # 1 %: 50.0001
        ("5000.50", "50.01"),  # 50.005 → 50.01
        ("8000.00", "80.00"),
        ("20000.00", "200.00"),  # no 1.5 % or 2 % band for retirees
    ],
)
def test_retiree_bands(members, income, expected) -> None:
    """Retirees pay on their pension: up to 5,000 yuan 0.5 %, above 1 % (the 2008 rules)."""
    assert amount(members["a1"], R, income) == Decimal(expected)


def test_a_share_needs_a_base_income(members) -> None:
    with pytest.raises(ValidationError) as exc:
        amount(members["a1"], S)
    assert exc.value.message_dict["base_income"] == ["请填写月交纳基数：该类别按基数的比例交纳。"]


# --- fixed amounts: farmers 0.20 to 1.00, students, the unemployed, 低保 0.20 -----------------


def test_farmers_default_to_twenty_fen(members) -> None:
    """Farmers pay 0.2 to 1 yuan a month (the 2008 rules): the lower bound unless chosen."""
    assert amount(members["a1"], DuesCategory.FARMER) == Decimal("0.20")


@pytest.mark.parametrize("chosen", ["0.20", "0.50", "1.00", "1"])
def test_farmers_choose_within_the_range(members, chosen) -> None:
    assert amount(members["a1"], DuesCategory.FARMER, chosen=chosen) == Decimal(chosen)


@pytest.mark.parametrize("chosen", ["1.01", "0.19", "0.00", "5"])
def test_farmers_outside_the_range_refused(members, chosen) -> None:
    with pytest.raises(ValidationError) as exc:
        amount(members["a1"], DuesCategory.FARMER, chosen=chosen)
    assert exc.value.message_dict["amount"] == ["请在0.20元到1.00元之间为该类别选择金额。"]


@pytest.mark.parametrize(
    "category", [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.MINIMUM_LIVING]
)
def test_students_unemployed_and_minimum_living_pay_twenty_fen(members, category) -> None:
    """Students, the unemployed and people on minimum-living support (低保) pay 0.2 yuan."""
    assert amount(members["a1"], category) == Decimal("0.20")
    assert amount(members["a1"], category, chosen="0.20") == Decimal("0.20")
    with pytest.raises(ValidationError):
        amount(members["a1"], category, chosen="0.50")


def test_a_fixed_category_ignores_an_income(members, secretary) -> None:
    """A farmer's income is not a base: the standard keeps none."""
    standard = do_set_standard(
        member=members["a1"],
        effective_from=this_month(),
        data=StandardInput(category=DuesCategory.FARMER, base_income=Decimal("9000")),
        actor=secretary,
    )
    assert standard.base_income is None
    assert standard.amount == Decimal("0.20")


# --- absurd input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_income", "-0.01"),
        ("base_income", "-3000"),
        ("base_income", "3000.001"),
        ("base_income", "1000000.01"),
        ("base_income", "NaN"),
        ("amount", "-0.20"),
        ("amount", "0.205"),
    ],
)
def test_absurd_amounts_refused_in_chinese(members, field, value) -> None:
    """Negative, more than two decimals (below the fen), more than
    settings.DUES_MAX_MONTHLY_INCOME a month: refused with a reason in Chinese."""
    category = DuesCategory.FARMER if field == "amount" else S
    data = StandardInput(category=category)
    setattr(data, field, Decimal(value))
    with pytest.raises(ValidationError) as exc:
        compute_standard(members["a1"], this_month(), data)
    message = exc.value.message_dict[field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_the_income_ceiling_is_a_setting(members, settings) -> None:
    settings.DUES_MAX_MONTHLY_INCOME = 50_000
    assert amount(members["a1"], S, "50000.00") == Decimal("1000.00")
    with pytest.raises(ValidationError):
        amount(members["a1"], S, "50000.01")


# --- do_set_standard: months, corrections -----------------------------------------------------


def test_a_standard_before_the_member_joined_is_refused(tree, secretary) -> None:
    """A member owes dues from the month they joined (probationary members from admission, the
    2008 rules art. 4): no standard starts earlier."""
    joined = add_months(this_month(), -3).replace(day=17)
    member = MemberFactory.create(
        name="李新",
        home_org=tree.a1,
        joined_on=joined,
        membership=Membership.PROBATIONARY,
        full_member_on=None,
    )
    with pytest.raises(ValidationError) as exc:
        do_set_standard(
            member=member,
            effective_from=add_months(this_month(), -4),
            data=StandardInput(category=S, base_income=Decimal("4000")),
            actor=secretary,
        )
    assert "effective_from" in exc.value.message_dict
    assert not DuesStandard.objects.filter(member=member).exists()
    standard = do_set_standard(
        member=member,
        effective_from=joined,
        data=StandardInput(category=S, base_income=Decimal("4000")),
        actor=secretary,
    )
    assert standard.effective_from == joined.replace(day=1)
    assert standard.amount == Decimal("40.00")


def test_an_earlier_standard_than_the_latest_is_refused(members, secretary) -> None:
    """Past months keep their standard: a new one starts at the latest's month or later."""
    member = members["a1"]
    do_set_standard(
        member=member,
        effective_from=this_month(),
        data=StandardInput(category=S, base_income=Decimal("4000")),
        actor=secretary,
    )
    with pytest.raises(ValidationError) as exc:
        do_set_standard(
            member=member,
            effective_from=add_months(this_month(), -1),
            data=StandardInput(category=S, base_income=Decimal("6000")),
            actor=secretary,
        )
    assert "effective_from" in exc.value.message_dict
    assert list(DuesStandard.objects.filter(member=member).values_list("amount", flat=True)) == [
        Decimal("40.00")
    ]


def test_the_same_month_corrects_in_place(members, secretary) -> None:
    member = members["a1"]
    first = do_set_standard(
        member=member,
        effective_from=this_month(),
        data=StandardInput(category=S, base_income=Decimal("4000")),
        actor=secretary,
    )
    second = do_set_standard(
        member=member,
        effective_from=this_month().replace(day=15),
        data=StandardInput(category=R, base_income=Decimal("6000")),
        actor=secretary,
    )
    assert second.pk == first.pk
    row = DuesStandard.objects.get(member=member)
    assert (row.category, row.base_income, row.amount) == (R, Decimal("6000.00"), Decimal("60.00"))


def test_a_later_month_adds_a_standard_and_keeps_the_earlier(members, secretary) -> None:
    member = members["a1"]
    do_set_standard(
        member=member,
        effective_from=this_month(),
        data=StandardInput(category=S, base_income=Decimal("3000")),
        actor=secretary,
    )
    do_set_standard(
        member=member,
        effective_from=add_months(this_month(), 1),
        data=StandardInput(category=S, base_income=Decimal("3000.01")),
        actor=secretary,
    )
    amounts = DuesStandard.objects.filter(member=member).order_by("effective_from")
    assert [s.amount for s in amounts] == [Decimal("15.00"), Decimal("30.00")]


def test_a_standard_more_than_a_year_ahead_is_refused(members, secretary) -> None:
    with pytest.raises(ValidationError):
        do_set_standard(
            member=members["a1"],
            effective_from=add_months(this_month(), 13),
            data=StandardInput(category=S, base_income=Decimal("3000")),
            actor=secretary,
        )


def test_only_the_home_side_sets_a_standard(members, secretary2, inspector, station) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (secretary2, inspector, station):
        with pytest.raises(PermissionDenied):
            do_set_standard(
                member=members["a1"],
                effective_from=this_month(),
                data=StandardInput(category=S, base_income=Decimal("3000")),
                actor=user,
            )
    assert not DuesStandard.objects.filter(member=members["a1"]).exists()


# --- reliefs (the 2008 rules: reduction or exemption on approval) -----------------------------


def relief(**kw) -> StandardInput:
    return StandardInput(category=S, base_income=Decimal("4000"), **kw)  # standard 40.00


APPROVED = {
    "relief_reason": "重病住院",
    "relief_approved_by": "甲镇党委 张书记",
    "relief_approved_on": dt.date(2026, 1, 5),
}


def test_a_reduction_below_the_standard(members, secretary) -> None:
    standard = do_set_standard(
        member=members["a1"],
        effective_from=this_month(),
        data=relief(relief=DuesRelief.REDUCED, relief_amount=Decimal("10.00"), **APPROVED),
        actor=secretary,
    )
    assert standard.amount == Decimal("40.00")
    assert standard.amount_in(this_month()) == Decimal("10.00")


@pytest.mark.parametrize("reduced", ["40.00", "40.01", "100"])
def test_a_reduction_not_below_the_standard_is_refused(members, secretary, reduced) -> None:
    with pytest.raises(ValidationError) as exc:
        do_set_standard(
            member=members["a1"],
            effective_from=this_month(),
            data=relief(relief=DuesRelief.REDUCED, relief_amount=Decimal(reduced), **APPROVED),
            actor=secretary,
        )
    assert "relief_amount" in exc.value.message_dict
    assert not DuesStandard.objects.filter(member=members["a1"]).exists()


def test_a_reduction_needs_an_amount(members, secretary) -> None:
    with pytest.raises(ValidationError):
        do_set_standard(
            member=members["a1"],
            effective_from=this_month(),
            data=relief(relief=DuesRelief.REDUCED, **APPROVED),
            actor=secretary,
        )


@pytest.mark.parametrize("missing", ["relief_reason", "relief_approved_by", "relief_approved_on"])
def test_an_exemption_needs_reason_approver_and_date(members, secretary, missing) -> None:
    approval = {**APPROVED, missing: None if missing == "relief_approved_on" else ""}
    with pytest.raises(ValidationError) as exc:
        do_set_standard(
            member=members["a1"],
            effective_from=this_month(),
            data=relief(relief=DuesRelief.EXEMPT, **approval),
            actor=secretary,
        )
    assert refusal(exc) == "减免须写明原因、批准人和批准日期。"
    assert not DuesStandard.objects.filter(member=members["a1"]).exists()


def test_an_exemption_for_a_period(members, secretary) -> None:
    until = add_months(this_month(), 2)
    standard = do_set_standard(
        member=members["a1"],
        effective_from=this_month(),
        data=relief(relief=DuesRelief.EXEMPT, relief_until=until, **APPROVED),
        actor=secretary,
    )
    assert standard.amount_in(this_month()) == Decimal("0.00")
    assert standard.amount_in(until) == Decimal("0.00")
    assert standard.amount_in(add_months(until, 1)) == Decimal("40.00")


# --- a county's own rates ---------------------------------------------------------------------


def county_schedule(percent_low: str = "1") -> list[BandInput]:
    """A county's schedule: salaried 1 % up to 4,000 yuan, 2 % above; the rest as in 2008."""
    return [
        BandInput(S, Decimal(0), Decimal(4000), percent=Decimal(percent_low)),
        BandInput(S, Decimal(4000), None, percent=Decimal("2")),
        BandInput(R, Decimal(0), None, percent=Decimal("0.5")),
        BandInput(DuesCategory.FARMER, amount_min=Decimal("0.50"), amount_max=Decimal("2.00")),
        BandInput(DuesCategory.STUDENT, amount_min=Decimal("0.20"), amount_max=Decimal("0.20")),
        BandInput(DuesCategory.UNEMPLOYED, amount_min=Decimal("0.20"), amount_max=Decimal("0.20")),
        BandInput(
            DuesCategory.MINIMUM_LIVING, amount_min=Decimal("0.20"), amount_max=Decimal("0.20")
        ),
    ]


def test_a_countys_rates_apply_from_their_month_and_change_no_standard_set_before(
    tree, members, county, secretary
) -> None:
    """Rates are data with an effective date: the county's from next month apply to standards
    set for next month on; a standard set before keeps its amount, and past months keep theirs
    (the 2008 rules stay the seed)."""
    member = members["a1"]
    now = this_month()
    later = add_months(now, 1)
    before = do_set_standard(
        member=member,
        effective_from=now,
        data=StandardInput(category=S, base_income=Decimal("3000.00")),
        actor=secretary,
    )
    assert before.amount == Decimal("15.00")
    do_set_rates(county=tree.county, effective_from=later, bands=county_schedule(), actor=county)
    before.refresh_from_db()
    assert before.amount == Decimal("15.00")
    assert before.amount_in(now) == Decimal("15.00")
    # This month: still the 2008 rules.
    assert amount(member, S, "3000.00", month=now) == Decimal("15.00")
    # From next month: the county's.
    assert amount(member, S, "3000.00", month=later) == Decimal("30.00")
    assert amount(member, S, "4000.00", month=later) == Decimal("40.00")
    assert amount(member, S, "4000.01", month=later) == Decimal("80.00")  # 80.0002
    assert amount(member, R, "8000.00", month=later) == Decimal("40.00")
    assert amount(member, DuesCategory.FARMER, month=later) == Decimal("0.50")
    assert amount(member, DuesCategory.FARMER, chosen="2.00", month=later) == Decimal("2.00")
    after = do_set_standard(
        member=member,
        effective_from=later,
        data=StandardInput(category=S, base_income=Decimal("3000.00")),
        actor=secretary,
    )
    assert after.amount == Decimal("30.00")
    assert after.rate.county_id == tree.county.pk
    before.refresh_from_db()
    assert before.amount == Decimal("15.00")


def test_a_second_county_keeps_the_2008_rules(tree, members, county, superuser) -> None:
    other = OrganizationFactory.create(name="丙县委", kind=OrgKind.COUNTY_COMMITTEE)
    branch = OrganizationFactory.create(parent=other, name="丙一支部", kind=OrgKind.BRANCH)
    elsewhere = MemberFactory.create(name="王丙一", home_org=branch)
    now = this_month()
    do_set_rates(county=tree.county, effective_from=now, bands=county_schedule(), actor=county)
    assert amount(members["a1"], S, "3000.00") == Decimal("30.00")
    assert amount(elsewhere, S, "3000.00") == Decimal("15.00")
    assert amount(elsewhere, S, "10000.01") == Decimal("200.00")
    rate, _ = compute_standard(elsewhere, now, StandardInput(category=S, base_income=Decimal(1)))
    assert rate.county_id is None


def test_rates_start_this_month_or_later(tree, county) -> None:
    with pytest.raises(ValidationError) as exc:
        do_set_rates(
            county=tree.county,
            effective_from=add_months(this_month(), -1),
            bands=county_schedule(),
            actor=county,
        )
    assert "effective_from" in exc.value.message_dict
    assert not DuesRate.objects.filter(county=tree.county).exists()


def test_rates_with_a_gap_or_a_missing_category_are_refused(tree, county) -> None:
    gap = county_schedule()
    gap[1] = BandInput(S, Decimal(4500), None, percent=Decimal("2"))
    missing = [b for b in county_schedule() if b.category != DuesCategory.STUDENT]
    for bands in (gap, missing):
        with pytest.raises(ValidationError):
            do_set_rates(county=tree.county, effective_from=this_month(), bands=bands, actor=county)
    assert not DuesRate.objects.filter(county=tree.county).exists()


def test_only_county_officers_set_rates(tree, town, secretary) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (town, secretary):
        with pytest.raises(PermissionDenied):
            do_set_rates(
                county=tree.county, effective_from=this_month(), bands=county_schedule(), actor=user
            )
    with pytest.raises(ValidationError):
        do_set_rates(
            county=tree.town_a, effective_from=this_month(), bands=county_schedule(), actor=town
        )


def test_band_for_names_the_missing_band(members) -> None:
    with pytest.raises(ValidationError) as exc:
        band_for([], S, Decimal("100"))
    assert "category" in exc.value.message_dict
