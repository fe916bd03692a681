"""The reads of a branch's dues sheet for a month: who is on it, and each one's standard, paid
month and dues state, in four queries whatever the number of members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from members.models import (
    DuesPaidMonth,
    DuesStandard,
    EpisodeStatus,
    Member,
    Membership,
    MobilityEpisode,
)
from members.models.dues import add_months
from organizations.models import Organization

#: A mobile member pays quarterly if they move often (the 2008 rules): the sheet offers three
#: months to a member away or checked in from elsewhere, one to the others.
QUARTER = 3


@dataclass
class SheetRow:
    """One member on the sheet, as the page shows them."""

    member: Member
    #: Checked in with this organization from another branch (流入).
    inflow: bool
    standard: DuesStandard | None
    #: What the member owes for the sheet's month (relief applied); None without a standard.
    expected: Decimal | None
    #: The month's paid row (with its payment and where it was received), if paid.
    paid: DuesPaidMonth | None
    #: Whether the user may record this member's payment here (and the month is unpaid).
    recordable: bool = False
    #: The months a payment covers by default, and its amount (the standard for them).
    default_months: int = 1
    default_amount: Decimal | None = None
    #: The inputs as typed (on a refused POST) and the refusals shown on the row.
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.member.pk

    @property
    def probationary(self) -> bool:
        return self.member.membership == Membership.PROBATIONARY


def sheet_members(org: Organization, as_of: dt.date) -> list[Member]:
    """The members on `org`'s sheet, by name: its own active members, and those checked in
    with it from elsewhere (an inflow organization or a station records their dues on its side;
    issue 11, item 2). Each with their dues as of `as_of` (`member.dues`). One query."""
    checked_in = MobilityEpisode.objects.filter(
        status=EpisodeStatus.CHECKED_IN, inflow_org=org
    ).values("member_id")
    return list(
        Member.objects.active()
        .filter(Q(home_org=org) | Q(pk__in=checked_in))
        .select_related("home_org")
        .with_dues(as_of)
        .order_by("name_pinyin", "id")
    )


def sheet_rows(
    org: Organization, month: dt.date, as_of: dt.date, *, may_record: bool
) -> list[SheetRow]:
    """The sheet of `org` for `month`: every member with the standard in force that month, the
    month's payment if any, and their dues state as of `as_of`. `may_record`: whether the user
    may record payments at `org` (`payment_places` answers `org` for every member on its sheet
    exactly when the user's change scope covers it), so that unpaid rows get their inputs.
    Three queries (the members, their standards, the month's paid rows)."""
    members = sheet_members(org, as_of)
    ids = [m.pk for m in members]
    standards: dict[int, DuesStandard] = DuesStandard.objects.current_for(ids, month) if ids else {}
    paid = (
        {
            row.member_id: row
            for row in DuesPaidMonth.objects.filter(
                member_id__in=ids, month=month, voided=False
            ).select_related("payment__org")
        }
        if ids
        else {}
    )
    rows = []
    for member in members:
        standard = standards.get(member.pk)
        inflow = member.home_org_id != org.pk
        row = SheetRow(
            member=member,
            inflow=inflow,
            standard=standard,
            expected=standard.amount_in(month) if standard else None,
            paid=paid.get(member.pk),
        )
        row.recordable = may_record and row.paid is None and standard is not None
        if standard is not None:
            row.default_months = QUARTER if inflow or member.is_mobile else 1
            row.default_amount = sum(
                (standard.amount_in(add_months(month, i)) for i in range(row.default_months)),
                Decimal("0.00"),
            )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class SheetTotals:
    """The foot of the sheet: members, paid this month, what is owed (应缴) and received (实缴)
    for the month."""

    members: int
    paid: int
    expected: Decimal
    received: Decimal


def sheet_totals(rows: list[SheetRow]) -> SheetTotals:
    return SheetTotals(
        members=len(rows),
        paid=sum(1 for r in rows if r.paid is not None),
        expected=sum((r.expected for r in rows if r.expected is not None), Decimal("0.00")),
        received=sum((r.paid.amount for r in rows if r.paid is not None), Decimal("0.00")),
    )
