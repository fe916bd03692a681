"""Importing past dues payments (党费) from the Excel template (issue 13): a branch that starts
using the system brings its paper ledger's payments along, one row per payment as the payment
page takes it.

A row names the member by their ID-card number and name, the first month paid and how many
months (one unless said), the amount, how and when it was paid and who received it. It is
checked by the payment page's own form (`PaymentForm`) and saved by its action
(`do_record_payment`), so an imported payment is one recorded by hand: its months count as
paid, "dues paid up to" moves. A row may name only a member whose dues the importer may record
(the home branch, or the inflow organization the member is checked in with:
`members.dues.actions.payment_places`); any other number, registered elsewhere or nowhere,
reads the same.

The action's own refusals that depend on what is stored (no standard for a month, a month paid
already, an amount not the standard's without a note, a receipt number used already) are
checked here too, on the row and column they concern, from one read for the whole file
(`DuesImport.prepare`); the action checks them all again when the file is imported.

Importing the same file again changes nothing: a row whose months are all paid already, for the
same amount, is "unchanged"; paid for another amount, it is a row error (void the wrong payment
on the member's dues page first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.scoping import Action
from core.validators import ascii_digits, normalize_id_number
from ledgers.imports import ImportColumn, ImportSpec, Plan, RowError
from members.dues.actions import PaymentInput, do_record_payment, due_from, this_month
from members.dues.history.forms import PaymentForm
from members.import_rows import first_row_of, form_errors, not_yours, wrong_name
from members.models import (
    DuesMethod,
    DuesPaidMonth,
    DuesPayment,
    DuesStandard,
    EpisodeStatus,
    Member,
    MobilityEpisode,
)
from members.models.dues import add_months, month_index, to_fen
from organizations.models import BRANCH_KINDS, Organization
from organizations.scope import user_scope

#: A month as people write it: 2025-03, 2025/3, 2025.03, 2025年3月, or a day of it (an Excel
#: date cell reads as 2025-03-01).
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?$")


def _header(text: str) -> Any:
    return pgettext_lazy("dues import", text)


def read_month(text: str) -> dt.date | None:
    """The first day of the month `text` names, or None."""
    match = _MONTH.match(ascii_digits(text).strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1) if 1 <= month <= 12 else None


def _month_text(month: dt.date) -> str:
    """A month as the dues actions word it (2025年3月)."""
    return f"{month.year}年{month.month}月"


@dataclass
class DuesImportContext:
    """What every row needs, read once for the whole file: the members under its ID-card
    numbers, the inflow organization each is checked in with, their standards (oldest first),
    the months of theirs paid already in the file's span, the receipt numbers used already;
    and, filled in row by row, the months and receipts the file itself takes."""

    members: dict[str, Member]
    inflow: dict[int, Organization]
    standards: dict[int, list[DuesStandard]]
    paid: dict[tuple[int, dt.date], Decimal]
    receipts: set[tuple[int, str]]
    months_in_file: dict[tuple[int, dt.date], int] = field(default_factory=dict)
    receipts_in_file: dict[tuple[int, str], int] = field(default_factory=dict)


class DuesImport(ImportSpec):
    """Past dues payments: one payment per row, of members whose dues the importer records."""

    key = "dues"
    title = _("Dues payments")
    sheet = _("Dues payments")
    list_url = "members:dues_sheet"
    instructions = (
        _(
            "One row per payment, of one member (found by the ID-card number and the name), "
            "for one month or several consecutive months from the first month."
        ),
        _(
            "The member's dues standard must cover those months: the home branch sets it "
            "first. An amount other than the standard's needs the reason in the note."
        ),
        _(
            "Months paid already for the same amount are left as they are; paid for another "
            "amount, the row is refused: void the wrong payment on the member's dues page first."
        ),
    )
    columns = (
        ImportColumn(_header("Name"), "name", required=True, width=10),
        ImportColumn(_header("Citizen ID number"), "id_number", required=True, width=21),
        ImportColumn(
            _header("First month paid"),
            "first_month",
            required=True,
            width=11,
            help=_("Year and month, e.g. 2025-03."),
        ),
        ImportColumn(
            _header("Months covered"),
            "months",
            kind="int",
            width=8,
            help=_("Empty: one month; several are consecutive from the first month."),
        ),
        ImportColumn(
            _header("Amount paid (yuan)"),
            "amount",
            required=True,
            width=10,
            help=_("For all the months covered, e.g. 120.00."),
        ),
        ImportColumn(
            _header("Method"),
            "method",
            kind="choice",
            choices=DuesMethod.choices,
            required=True,
            width=10,
        ),
        ImportColumn(
            _header("Transfer or online reference"),
            "reference",
            width=16,
            help=_("Required for a bank transfer or an online payment."),
        ),
        ImportColumn(_header("Paid on"), "paid_on", kind="date", required=True, width=11),
        ImportColumn(_header("Received by"), "received_by", required=True, width=10),
        ImportColumn(_header("Receipt number"), "receipt_number", width=12),
        ImportColumn(
            _header("Note"),
            "note",
            width=20,
            help=_("Required when the amount is not the standard's (and why)."),
        ),
        ImportColumn(
            _header("Where paid"),
            "org",
            width=22,
            help=_(
                "Empty: the member's branch, or the organization they are checked in with if "
                "you work only there."
            ),
        ),
    )

    def may_import(self, user: User) -> bool:
        return user_scope(user).can(Action.CHANGE)

    def choices_for(self, user: User, column: ImportColumn) -> Sequence[str]:
        if column.field == "org":
            return list(
                Organization.objects.visible_to(user, Action.CHANGE)
                .active()
                .filter(kind__in=BRANCH_KINDS)
                .order_by("path")
                .values_list("name", flat=True)
                .distinct()
            )
        return super().choices_for(user, column)

    def prepare(self, user: User, rows: list[tuple[int, dict[str, Any]]]) -> Any:
        """Five reads, whatever the number of rows: the members, where they are checked in,
        their standards, their paid months in the span the file's months cover, and the
        receipt numbers the file repeats."""
        numbers = {normalize_id_number(str(values.get("id_number", ""))) for _n, values in rows}
        members = {
            member.id_number: member
            # Only members the importer may record dues for (home side, or checked in with
            # them); `_places` then says where each may be paid.
            for member in Member.objects.visible_to(user, Action.RECORD)
            .filter(id_number__in=numbers - {""})
            .select_related("home_org")
        }
        ids = [member.pk for member in members.values()]
        inflow = {
            episode.member_id: episode.inflow_org
            for episode in MobilityEpisode.objects.filter(
                member_id__in=ids, status=EpisodeStatus.CHECKED_IN, inflow_org__isnull=False
            ).select_related("inflow_org")
            if episode.inflow_org is not None
        }
        standards: dict[int, list[DuesStandard]] = {}
        for standard in DuesStandard.objects.filter(member_id__in=ids).order_by(
            "member_id", "effective_from"
        ):
            standards.setdefault(standard.member_id, []).append(standard)
        months = [
            month
            for _n, values in rows
            if (month := read_month(str(values.get("first_month", "")))) is not None
        ]
        paid: dict[tuple[int, dt.date], Decimal] = {}
        if months and ids:
            last = add_months(max(months), settings.DUES_MAX_MONTHS_PER_PAYMENT - 1)
            paid = {
                (member_id, month): amount
                for member_id, month, amount in DuesPaidMonth.objects.filter(
                    member_id__in=ids, voided=False, month__gte=min(months), month__lte=last
                ).values_list("member_id", "month", "amount")
            }
        numbers_given = {str(v["receipt_number"]) for _n, v in rows if v.get("receipt_number")}
        receipts: set[tuple[int, str]] = set()
        if numbers_given:
            receipts = set(
                DuesPayment.objects.filter(receipt_number__in=numbers_given).values_list(
                    "org_id", "receipt_number"
                )
            )
        return DuesImportContext(
            members=members, inflow=inflow, standards=standards, paid=paid, receipts=receipts
        )

    def plan_row(self, user: User, row: int, values: dict[str, Any], prepared: Any) -> Plan:
        context: DuesImportContext = prepared
        member = context.members.get(normalize_id_number(str(values.get("id_number", ""))))
        places = _places(user, member, context) if member is not None else []
        if member is None or not places:
            raise not_yours()
        if values.get("name", "") != member.name:
            raise wrong_name()
        first = read_month(str(values.get("first_month", "")))
        if first is None:
            raise RowError({"first_month": [gettext("Not a month: write it as 2025-03.")]})
        place = _place(member, places, str(values.get("org", "")))
        data: dict[str, Any] = {
            name: value
            for name, value in values.items()
            if value != "" and name in PaymentForm.base_fields
        }
        data["first_month"] = f"{first:%Y-%m}"
        data.setdefault("months", 1)
        data["amount"] = ascii_digits(str(data.get("amount", "")))
        if len(places) > 1:
            data["org"] = place.pk
        else:
            data.pop("org", None)
        form = PaymentForm(data, places=places)
        if not form.is_valid():
            raise RowError(form_errors(form))
        cleaned = {**form.cleaned_data, "org": place}
        payment = PaymentInput(**cleaned)
        covered = [add_months(first, i) for i in range(payment.months)]
        for month in covered:
            earlier = context.months_in_file.setdefault((member.pk, month), row)
            if earlier != row:
                raise RowError(
                    {
                        "first_month": [
                            gettext("Row %(row)d has this member's %(month)s already.")
                            % {"row": earlier, "month": _month_text(month)}
                        ]
                    }
                )
        last = covered[-1]
        label = f"{member.name} {first:%Y-%m}" + (f" - {last:%Y-%m}" if last != first else "")
        paid = [context.paid.get((member.pk, month)) for month in covered]
        if all(amount is not None for amount in paid):
            total = sum((amount for amount in paid if amount is not None), Decimal(0))
            if total == to_fen(payment.amount):
                return Plan(row=row, action="unchanged", label=label, target=member)
            raise RowError(
                {
                    "amount": [
                        gettext(
                            "These months are paid already, with %(paid)s yuan: void that "
                            "payment on the member's dues page first if it is wrong."
                        )
                        % {"paid": total}
                    ]
                }
            )
        if any(amount is not None for amount in paid):
            taken = [m for m, amount in zip(covered, paid, strict=True) if amount is not None]
            raise RowError(
                {
                    "first_month": [
                        gettext("%(month)s is paid already.")
                        % {"month": "、".join(_month_text(m) for m in taken)}
                    ]
                }
            )
        _check(member, payment, place, covered, row, context)
        return Plan(row=row, action="create", label=label, data=dict(vars(payment)), target=member)

    def apply(self, user: User, plan: Plan) -> None:
        do_record_payment(actor=user, member=plan.target, data=PaymentInput(**plan.data))


def _places(user: User, member: Member, context: DuesImportContext) -> list[Organization]:
    """`members.dues.actions.payment_places` from the file's one read: the home branch and the
    inflow organization the member is checked in with, those in the user's change scope."""
    scope = user_scope(user)
    places = []
    if scope.covers(member.home_org.path, Action.CHANGE):
        places.append(member.home_org)
    inflow = context.inflow.get(member.pk)
    if (
        inflow is not None
        and inflow.pk != member.home_org_id
        and scope.covers(inflow.path, Action.CHANGE)
    ):
        places.append(inflow)
    return places


def _place(member: Member, places: list[Organization], name: str) -> Organization:
    """Where the row says it was paid (by name), among where the user may record it; the
    first of those (the home branch, if theirs) when it does not say."""
    if not name:
        return places[0]
    for place in places:
        if place.name == name:
            return place
    raise RowError(
        {
            "org": [
                gettext("%(org)s cannot receive %(name)s's dues.")
                % {"org": name, "name": member.name}
            ]
        }
    )


def _check(
    member: Member,
    payment: PaymentInput,
    place: Organization,
    covered: list[dt.date],
    row: int,
    context: DuesImportContext,
) -> None:
    """The refusals of `do_record_payment` that depend on what is stored, in its words, from
    the file's one read: the action checks them all again when the file is imported."""
    first, last = covered[0], covered[-1]
    if payment.amount <= 0:
        raise RowError({"amount": [gettext("Enter the amount paid: more than zero.")]})
    if first < due_from(member):
        raise RowError(
            {
                "first_month": [
                    gettext("%(name)s owes dues from %(month)s, when they joined.")
                    % {"name": member.name, "month": _month_text(due_from(member))}
                ]
            }
        )
    if month_index(last) > month_index(this_month()) + settings.DUES_MAX_MONTHS_AHEAD:
        raise RowError(
            {
                "months": [
                    gettext("Dues are paid at most %(max)d months ahead.")
                    % {"max": settings.DUES_MAX_MONTHS_AHEAD}
                ]
            }
        )
    standards = context.standards.get(member.pk, [])
    expected: list[Decimal] = []
    for month in covered:
        current = [s for s in standards if s.effective_from <= month]
        if not current:
            raise RowError(
                {
                    "first_month": [
                        gettext(
                            "%(name)s has no dues standard for %(month)s: the home branch sets "
                            "it first."
                        )
                        % {"name": member.name, "month": _month_text(first)}
                    ]
                }
            )
        expected.append(current[-1].amount_in(month))
    total = sum(expected, Decimal(0))
    if to_fen(payment.amount) != total and not payment.note.strip():
        raise RowError(
            {
                "note": [
                    gettext(
                        "%(amount)s yuan is not the standard for these months (%(total)s yuan): "
                        "say why in the note (paid more of their own will, a reduction not "
                        "recorded yet, ...)."
                    )
                    % {"amount": payment.amount, "total": total}
                ]
            }
        )
    if payment.method in (DuesMethod.TRANSFER, DuesMethod.ONLINE) and not payment.reference.strip():
        raise RowError(
            {"reference": [gettext("Enter the transfer's or the online payment's reference.")]}
        )
    receipt = payment.receipt_number.strip()
    if receipt:
        if (place.pk, receipt) in context.receipts:
            raise RowError(
                {
                    "receipt_number": [
                        gettext("Receipt %(number)s is recorded already at %(org)s.")
                        % {"number": receipt, "org": place.name}
                    ]
                }
            )
        first_row_of(
            context.receipts_in_file,
            (place.pk, receipt),
            row,
            "receipt_number",
            gettext("The same receipt number as row %(row)d."),
        )


IMPORTS = (DuesImport(),)
