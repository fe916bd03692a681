"""The dues rates of the 2008 rules and the lookup of a member's band.

`RULES_2008` is the seed of migration `members.0013_dues_rates_2008` and of `seed_rates` (tests
that flush the database, the benchmark): never change it; new rates are new rows from a month on
(`members.dues.actions.do_set_rates`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.models import DuesCategory, DuesRate
from members.models.choices import INCOME_CATEGORIES
from members.models.dues import to_fen
from organizations.models import Organization, OrgKind

#: The rules came into force in April 2008.
RULES_2008_FROM = dt.date(2008, 4, 1)

#: category, income above, income up to, percent, fixed amount from, fixed amount up to.
RULES_2008: list[tuple[str, str, str | None, str | None, str | None, str | None]] = [
    (DuesCategory.SALARIED, "0", "3000", "0.5", None, None),
    (DuesCategory.SALARIED, "3000", "5000", "1", None, None),
    (DuesCategory.SALARIED, "5000", "10000", "1.5", None, None),
    (DuesCategory.SALARIED, "10000", None, "2", None, None),
    (DuesCategory.RETIRED, "0", "5000", "0.5", None, None),
    (DuesCategory.RETIRED, "5000", None, "1", None, None),
    (DuesCategory.FARMER, "0", None, None, "0.20", "1.00"),
    (DuesCategory.STUDENT, "0", None, None, "0.20", "0.20"),
    (DuesCategory.UNEMPLOYED, "0", None, None, "0.20", "0.20"),
    (DuesCategory.MINIMUM_LIVING, "0", None, None, "0.20", "0.20"),
]


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def seed_rates() -> None:
    """The 2008 rates for the whole deployment, unless they are there (idempotent)."""
    for category, over, up_to, percent, low, high in RULES_2008:
        DuesRate.objects.get_or_create(
            county=None,
            effective_from=RULES_2008_FROM,
            category=category,
            income_over=Decimal(over),
            defaults={
                "income_up_to": _dec(up_to),
                "percent": _dec(percent),
                "amount_min": _dec(low),
                "amount_max": _dec(high),
            },
        )


def county_of(org: Organization) -> Organization | None:
    """The county committee above `org` (or `org` itself): whose rates apply to its members."""
    for ancestor in reversed(org.ancestors_and_self()):
        if ancestor.kind == OrgKind.COUNTY_COMMITTEE:
            return ancestor
    return None


def band_for(rates: list[DuesRate], category: str, income: Decimal | None) -> DuesRate:
    """The band of `rates` (a schedule in force) for `category` and `income`; refused in words
    when there is none."""
    if category in INCOME_CATEGORIES and income is None:
        raise ValidationError(
            {"base_income": _("Enter the monthly base income: this category pays a share of it.")}
        )
    for rate in rates:
        if rate.category == category and rate.covers(income):
            return rate
    raise ValidationError(
        {"category": _("No dues rate covers this category and income. Ask the county to set one.")}
    )


def standard_amount(rate: DuesRate, income: Decimal | None, chosen: Decimal | None) -> Decimal:
    """The monthly amount in `rate`'s band: the share of `income` rounded to the fen (half up),
    or, for a fixed range, the amount the branch chose in it (its lower bound when none)."""
    if not rate.is_fixed:
        return rate.amount_for(income)
    assert rate.amount_min is not None
    assert rate.amount_max is not None
    if chosen is None:
        return rate.amount_min
    chosen = to_fen(chosen)
    if not rate.amount_min <= chosen <= rate.amount_max:
        raise ValidationError(
            {
                "amount": _("Choose an amount from %(low)s to %(high)s yuan for this category.")
                % {"low": rate.amount_min, "high": rate.amount_max}
            }
        )
    return chosen
