"""The dues sheet (党费收缴表) of a branch, an inflow organization or a station for a month:
every member on it with the month's standard, paid or not, 党费交至 and months owed, and one
form recording many payments at once (all or nothing, `do_record_payments`). Usable on a phone:
the table becomes a card per member on small screens (static/css/app.css, "Dues sheet")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from core.forms import PlainSelect, parse_id
from core.scoping import Action
from core.types import AuthedRequest
from members.dues.actions import PaymentInput, do_record_payments, this_month
from members.dues.sheet.forms import PaymentRowForm, SheetQueryForm, SheetSharedForm
from members.dues.sheet.queries import SheetRow, sheet_rows, sheet_totals
from members.models import DuesMethod
from members.models.dues import add_months
from organizations.models import BRANCH_KINDS, Organization
from organizations.scope import Scope, user_scope

#: Most organizations offered in the picker (any branch in scope is still accepted by id).
ORG_OPTIONS_LIMIT = 300

#: The row inputs, as their names end ("m<id>-amount").
ROW_FIELDS = ("paid", "months", "amount", "method", "receipt_number", "reference", "note")


def _places(request: AuthedRequest) -> list[Organization]:
    """The branch-level organizations (branches, general, mobile and joint branches, stations)
    the user sees, in tree order: the picker's options and the default sheet. One query."""
    return list(
        Organization.objects.visible_to(request.user)
        .active()
        .filter(kind__in=BRANCH_KINDS)
        .order_by("path")[:ORG_OPTIONS_LIMIT]
    )


def _default(places: list[Organization], scope: Scope) -> Organization | None:
    """The user's own first branch-level organization they may record at (an inspector's, the
    first they see)."""
    for org in places:
        if scope.covers(org.path, Action.CHANGE):
            return org
    return places[0] if places else None


def _sheet_org(
    request: AuthedRequest, query: SheetQueryForm, places: list[Organization]
) -> Organization | None:
    """The organization asked for: out of scope → 404; one that holds no members' dues (a
    committee) → a field error and the default."""
    pk = query.value("org")
    if pk is not None:
        org: Organization = next((o for o in places if o.pk == pk), None) or get_object_or_404(
            Organization.objects.visible_to(request.user), pk=pk
        )
        if org.kind in BRANCH_KINDS:
            return org
        query.add_error(
            "org", _("%(org)s keeps no dues sheet: choose a branch.") % {"org": org.name}
        )
    return _default(places, user_scope(request.user))


def _method_select() -> PlainSelect:
    """The method's picker, written out in Python for each row (no template per option)."""
    return PlainSelect(attrs={"class": "form-select form-select-sm"}, choices=DuesMethod.choices)


def _initial_values(row: SheetRow) -> dict[str, str]:
    return {
        "paid": "",
        "months": str(row.default_months),
        "amount": str(row.default_amount) if row.default_amount is not None else "",
        "method": DuesMethod.CASH,
        "receipt_number": "",
        "reference": "",
        "note": "",
    }


def _posted_values(row: SheetRow, data: Any) -> dict[str, str]:
    values = {name: str(data.get(f"m{row.pk}-{name}", "")) for name in ROW_FIELDS}
    values["paid"] = "on" if values["paid"] else ""
    return values


def _row_refusals(rows: dict[int, SheetRow], exc: ValidationError) -> list[str]:
    """`do_record_payments`' refusals on their rows (keyed by member id, each naming the
    member, which the row shows already); what names no member, for the top of the page."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    unplaced: list[str] = []
    for key, errors in exc.error_dict.items():
        row = rows.get(parse_id(key) or 0)
        texts = ValidationError(errors).messages
        if row is None:
            unplaced.extend(texts)
            continue
        prefix = f"{row.member.name}: "
        row.errors.extend(t.removeprefix(prefix) for t in texts)
    return unplaced


def _refused(rows: list[SheetRow]) -> list[str]:
    count = sum(1 for row in rows if row.errors)
    if not count:
        return []
    return [
        ngettext(
            "%(count)d row needs correcting: nothing was saved.",
            "%(count)d rows need correcting: nothing was saved.",
            count,
        )
        % {"count": count}
    ]


def _record(
    request: AuthedRequest, org: Organization, month: dt.date, rows: list[SheetRow]
) -> tuple[SheetSharedForm, list[str], bool]:
    """Read the POST: the shared fields, each recordable row's form; record the ticked rows
    at once. Answers the shared form, the page's errors and whether anything was saved."""
    shared = SheetSharedForm(request.POST)
    valid = shared.is_valid()
    by_pk = {row.pk: row for row in rows if row.recordable}
    ticked: list[tuple[SheetRow, PaymentRowForm]] = []
    for row in by_pk.values():
        posted = f"m{row.pk}-amount" in request.POST
        row.values = _posted_values(row, request.POST) if posted else _initial_values(row)
        if not row.values["paid"]:
            continue  # a row not ticked is not read: what was typed in it stays on the page
        form = PaymentRowForm(request.POST, prefix=f"m{row.pk}")
        if not form.is_valid():
            valid = False
            row.errors.extend(form.messages())
        elif form.cleaned_data["paid"]:
            ticked.append((row, form))
    errors: list[str] = []
    if not valid:
        return shared, [*_refused(rows)], False
    if not ticked:
        errors.append(_("Tick the members who paid: nothing was saved."))
        return shared, errors, False
    entries = [
        (
            row.member,
            PaymentInput(
                first_month=month,
                months=form.cleaned_data["months"],
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                paid_on=shared.cleaned_data["paid_on"],
                received_by=shared.cleaned_data["received_by"],
                receipt_number=form.cleaned_data["receipt_number"],
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
                org=org,
            ),
        )
        for row, form in ticked
    ]
    try:
        saved = do_record_payments(entries=entries, actor=request.user)
    except ValidationError as exc:
        errors.extend(_row_refusals(by_pk, exc))
        return shared, [*_refused(rows), *errors], False
    messages.success(
        request,
        ngettext("%(count)d payment recorded.", "%(count)d payments recorded.", len(saved))
        % {"count": len(saved)},
    )
    return shared, errors, True


def _month_query(org: Organization, month: dt.date) -> str:
    return f"?org={org.pk}&month={month:%Y-%m}"


@never_cache
@login_required
def dues_sheet(request: AuthedRequest) -> HttpResponseBase:
    """`?org=<id>&month=YYYY-MM` (default: the user's own branch, this month). Whoever sees the
    organization sees its sheet; whoever may change there records (POST), others get 403.
    Four queries after the session, the user and their roles, whatever the number of members
    (one more for an organization past the picker's options)."""
    places = _places(request)
    query = SheetQueryForm(request.GET or None, choices=[(o.pk, o.name) for o in places])
    org = _sheet_org(request, query, places)
    month = query.value("month") or this_month()
    scope = user_scope(request.user)
    may_record = org is not None and scope.covers(org.path, Action.CHANGE)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    # The dues state (党费交至, months owed) is as of today, whatever month is shown.
    rows = sheet_rows(org, month, timezone.localdate(), may_record=may_record) if org else []
    shared: SheetSharedForm | None = None
    errors: list[str] = []
    if request.method == "POST" and org is not None:
        if query.errors:
            errors.append(_("The sheet asked for is not valid: nothing was saved."))
        else:
            shared, errors, saved = _record(request, org, month, rows)
            if saved:
                return redirect(f"{reverse('members:dues_sheet')}{_month_query(org, month)}")
    if shared is None:
        shared = SheetSharedForm(initial={"received_by": str(request.user)})
    select = _method_select()
    for row in rows:
        if row.recordable:
            row.values = row.values or _initial_values(row)
            row.values["select"] = select.render(f"m{row.pk}-method", row.values["method"])
    if org is not None:
        query.offer(org.pk, org.name)
    org_widget: Any = query.fields["org"].widget
    return render(
        request,
        "members/dues/sheet/sheet.html",
        {
            "org": org,
            "month": month,
            "query": query,
            "org_select": org_widget.render("org", org.pk if org else "", attrs={"id": "id_org"}),
            "shared": shared,
            "rows": rows,
            "errors": errors,
            "may_record": may_record,
            # Past payments come in by the import (members.dues.history.ledger), anywhere the
            # user records dues.
            "may_import": scope.can(Action.CHANGE),
            "recordable": any(row.recordable for row in rows),
            "totals": sheet_totals(rows),
            "previous": _month_query(org, add_months(month, -1)) if org else "",
            "next": _month_query(org, add_months(month, 1)) if org else "",
            "dues_nav": True,
        },
    )
