"""Transfer pages: the queues, a transfer with its timeline, each step's form, the letter.

Who may take which step is decided by `transfers.actions` (see its docstring); `STEPS` below
mirrors it only to show the right buttons and to answer 403 before a form is shown. The action
still checks everything when the form is posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView
from django_stubs_ext import StrOrPromise

from core.audit import record_event
from core.forms import add_action_errors
from core.scoping import Action
from core.types import AuthedRequest
from core.views import ScopedMixin
from members.models import Member
from organizations.models import Organization
from organizations.scope import user_scope
from transfers import actions
from transfers.actions import covers
from transfers.forms import (
    ApproveForm,
    BatchStartForm,
    IssueForm,
    ReasonForm,
    ReceiveForm,
    RecordReceiptForm,
    ReissueForm,
    ReturnReceiptForm,
    StartTransferForm,
    org_options,
)
from transfers.models import OPEN_STATUSES, Transfer, TransferEvent, TransferStatus
from transfers.suggestions import transfer_suggestions

S = TransferStatus

# --- the queues ----------------------------------------------------------------------------

#: The queues, in tab order: (key, label).
QUEUES = (
    ("to_approve", gettext_lazy("To approve")),
    ("incoming", gettext_lazy("To receive")),
    ("outgoing", gettext_lazy("Outgoing")),
    ("receipts_overdue", gettext_lazy("Receipts overdue")),
    ("expiring", gettext_lazy("Letters about to expire")),
)


def change_org_ids(user: Any) -> Any:
    """The organizations whose transfers the user works on (CHANGE scope), as a subquery (every
    organization for the system administrator): the queues' statements carry it inside."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Organization.objects.order_by().values("id")
    return Organization.objects.filter(scope.q("path", Action.CHANGE)).order_by().values("id")


def _mine(ids: Any) -> Q:
    return Q(from_org_id__in=ids) | Q(to_org_id__in=ids) | Q(issuing_committee_id__in=ids)


def queue(qs: Any, key: str, ids: Any, today: dt.date) -> Any:
    """One queue of `qs` for the organizations `ids`, through the queryset's named methods."""
    if key == "to_approve":
        return qs.to_approve(ids)
    if key == "incoming":
        return qs.incoming(ids)
    if key == "outgoing":
        return qs.outgoing(ids)
    if key == "receipts_overdue":
        return qs.receipts_overdue(today).filter(Q(to_org_id__in=ids) | Q(from_org_id__in=ids))
    if key == "expiring":
        return qs.expiring(today).filter(_mine(ids))
    raise KeyError(key)


def queue_conditions(ids: Any, today: dt.date) -> dict[str, Q]:
    """The same queues as conditions, to count them all in one aggregate. Kept equal to the
    queryset methods by tests/transfers/test_queues.py."""
    overdue_limit = today - dt.timedelta(days=settings.TRANSFER_RECEIPT_DAYS)
    expiry_limit = today + dt.timedelta(days=settings.TRANSFER_EXPIRY_WARNING_DAYS)
    return {
        "to_approve": Q(issuing_committee_id__in=ids, status=S.SUBMITTED),
        "incoming": Q(to_org_id__in=ids, status=S.ISSUED),
        "outgoing": Q(from_org_id__in=ids, status__in=OPEN_STATUSES),
        "receipts_overdue": Q(status=S.RECEIVED, received_on__lt=overdue_limit)
        & (Q(to_org_id__in=ids) | Q(from_org_id__in=ids)),
        "expiring": Q(status=S.ISSUED, valid_until__lte=expiry_limit) & _mine(ids),
    }


def queue_counts(user: Any, ids: Any, today: dt.date | None = None) -> dict[str, int]:
    """Every queue's count in one query."""
    conditions = queue_conditions(ids, today or timezone.localdate())
    counts: dict[str, int] = Transfer.objects.visible_to(user).aggregate(
        **{key: Count("id", filter=condition) for key, condition in conditions.items()}
    )
    return counts


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    """The transfers waiting for the user's organizations, one tab per queue."""
    user = request.user
    ids = change_org_ids(user)
    today = timezone.localdate()
    counts = queue_counts(user, ids, today)
    keys = [key for key, _label in QUEUES]
    tab = request.GET.get("tab") or next((k for k in keys if counts[k]), keys[0])
    if tab not in keys:
        tab = keys[0]
    rows = (
        queue(Transfer.objects.visible_to(user), tab, ids, today)
        .order_by("-updated_at", "-pk")[: settings.MEMBERS_PAGE_SIZE]
        .rows()
    )
    tabs = [(key, label, counts[key]) for key, label in QUEUES]
    return render(
        request,
        "transfers/queues.html",
        {"tabs": tabs, "tab": tab, "rows": rows, "count": counts[tab], "today": today},
    )


class HistoryFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *TransferStatus.choices],
    )


HISTORY_PAGE_SIZE = 50


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Every transfer the user sees, newest first, by status."""
    qs = Transfer.objects.visible_to(request.user).order_by("-created_at", "-pk")
    form = HistoryFilter(request.GET or None)
    if form.is_valid() and form.cleaned_data["status"]:
        qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's slice of the queryset, read as light rows.
    sliced: Any = page.object_list
    page.object_list = sliced.rows()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "transfers/history.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )


# --- the steps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step a user may take on a transfer: who (`allowed`), when (`open`)."""

    name: str
    label: StrOrPromise
    allowed: Callable[[Any, Transfer], bool]
    open: Callable[[Transfer], bool]
    button: str = "btn-outline-primary"


def _sender(user: Any, t: Transfer) -> bool:
    return covers(user, t.from_org)


def _committee(user: Any, t: Transfer) -> bool:
    return covers(user, t.issuing_committee)


def _receiver(user: Any, t: Transfer) -> bool:
    return t.to_org is not None and covers(user, t.to_org)


def _may_reject(user: Any, t: Transfer) -> bool:
    if t.status == S.ISSUED:
        return _receiver(user, t)
    return _committee(user, t)


def _may_issue(user: Any, t: Transfer) -> bool:
    if t.status == S.APPROVED:
        return _sender(user, t) or _committee(user, t)
    return _committee(user, t)


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "submit",
            gettext_lazy("Submit for approval"),
            _sender,
            lambda t: t.can_become(S.SUBMITTED) and not t.number and actions.needs_approval(t),
            "btn-primary",
        ),
        Step(
            "approve",
            gettext_lazy("Approve"),
            _committee,
            lambda t: t.status == S.SUBMITTED,
            "btn-primary",
        ),
        Step(
            "issue",
            gettext_lazy("Issue the letter"),
            _may_issue,
            lambda t: t.can_become(S.ISSUED) and not t.number,
            "btn-primary",
        ),
        Step(
            "receive",
            gettext_lazy("Receive the member"),
            _receiver,
            lambda t: t.status == S.ISSUED and t.to_org_id is not None,
            "btn-primary",
        ),
        Step(
            "return_receipt",
            gettext_lazy("Return the receipt"),
            _receiver,
            lambda t: t.status == S.RECEIVED and t.to_org_id is not None,
            "btn-primary",
        ),
        Step(
            "record_receipt",
            gettext_lazy("Record the returned receipt"),
            _sender,
            lambda t: t.status == S.ISSUED and t.to_org_id is None,
            "btn-primary",
        ),
        Step(
            "reissue",
            gettext_lazy("Reissue the letter"),
            _committee,
            lambda t: t.can_become(S.REISSUED) and bool(t.number),
        ),
        Step(
            "reject",
            gettext_lazy("Send back"),
            _may_reject,
            lambda t: t.status in (S.SUBMITTED, S.ISSUED),
            "btn-outline-danger",
        ),
        Step(
            "withdraw",
            gettext_lazy("Withdraw"),
            _sender,
            lambda t: t.can_become(S.WITHDRAWN),
            "btn-outline-danger",
        ),
    )
}


def available_steps(user: Any, transfer: Transfer) -> list[Step]:
    """The steps `user` may take on `transfer` now."""
    return [s for s in STEPS.values() if s.open(transfer) and s.allowed(user, transfer)]


class TransferDetailView(ScopedMixin, DetailView):
    model = Transfer
    template_name = "transfers/transfer_detail.html"
    context_object_name = "transfer"

    def get_queryset(self) -> Any:
        qs: Any = super().get_queryset()
        return qs.for_list().select_related("reissue_of", "received_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        transfer: Transfer = self.object
        context["events"] = list(
            TransferEvent.objects.filter(transfer=transfer).select_related("actor")
        )
        context["steps"] = available_steps(self.actor, transfer)
        context["reissued_as"] = Transfer.objects.filter(reissue_of=transfer).first()
        context["can_print"] = transfer.number is not None and may_print(self.actor, transfer)
        return context


class StepView(ScopedMixin, DetailView):
    """One step's form. Visible transfer, step not the user's to take → 403; not visible → 404.
    A step the transfer's state does not allow now is refused by the action, shown plainly."""

    model = Transfer
    template_name = "transfers/step_form.html"
    context_object_name = "transfer"
    step: str
    form_class: type[forms.Form]

    def get_queryset(self) -> Any:
        qs: Any = super().get_queryset()
        return qs.for_list()

    def check_object_action(self, obj: Any) -> None:
        if not STEPS[self.step].allowed(self.actor, obj):
            raise PermissionDenied

    def get_form(self, data: Any = None) -> forms.Form:
        return self.form_class(data)

    def perform(self, form: Any) -> Transfer:
        raise NotImplementedError

    def success_message(self) -> str:
        return _("Done.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, self.success_message())
                return redirect("transfers:detail", pk=result.pk)
        return self.render_form(form)

    def render_form(self, form: forms.Form) -> HttpResponse:
        step = STEPS[self.step]
        return self.render_to_response(
            self.get_context_data(form=form, step=step, step_open=step.open(self.object))
        )


class SubmitView(StepView):
    step = "submit"
    form_class = forms.Form

    def perform(self, form: Any) -> Transfer:
        return actions.do_submit_transfer(actor=self.actor, transfer=self.object)

    def success_message(self) -> str:
        return _("Submitted to %(org)s for approval.") % {"org": self.object.issuing_committee.name}


class ApproveView(StepView):
    step = "approve"
    form_class = ApproveForm

    def perform(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_approve_transfer(
            actor=self.actor,
            transfer=self.object,
            issue_on=data["issue_on"] if data["issue_now"] else None,
            note=data["note"],
        )

    def success_message(self) -> str:
        return _("Approved.")


class RejectView(StepView):
    step = "reject"
    form_class = ReasonForm

    def perform(self, form: Any) -> Transfer:
        return actions.do_reject_transfer(
            actor=self.actor, transfer=self.object, reason=form.cleaned_data["reason"]
        )

    def success_message(self) -> str:
        return _("Sent back to the sender.")


class IssueView(StepView):
    step = "issue"
    form_class = IssueForm

    def perform(self, form: Any) -> Transfer:
        return actions.do_issue_letter(
            actor=self.actor, transfer=self.object, issued_on=form.cleaned_data["issued_on"]
        )

    def success_message(self) -> str:
        return _("The letter was issued.")


class WithdrawView(StepView):
    step = "withdraw"
    form_class = ReasonForm

    def perform(self, form: Any) -> Transfer:
        return actions.do_withdraw_transfer(
            actor=self.actor, transfer=self.object, reason=form.cleaned_data["reason"]
        )

    def success_message(self) -> str:
        return _("The transfer was withdrawn.")


class ReceiveView(StepView):
    step = "receive"
    form_class = ReceiveForm

    def perform(self, form: Any) -> Transfer:
        return actions.do_receive_transfer(
            actor=self.actor, transfer=self.object, received_on=form.cleaned_data["received_on"]
        )

    def success_message(self) -> str:
        return _("%(name)s now belongs to %(org)s.") % {
            "name": self.object.member.name,
            "org": self.object.destination,
        }


class ReturnReceiptView(StepView):
    step = "return_receipt"
    form_class = ReturnReceiptForm

    def perform(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_return_receipt(
            actor=self.actor,
            transfer=self.object,
            returned_on=data["returned_on"],
            handler=data["handler"],
            phone=data["phone"],
        )

    def success_message(self) -> str:
        return _("The receipt was returned.")


class RecordReceiptView(StepView):
    step = "record_receipt"
    form_class = RecordReceiptForm

    def perform(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_record_receipt(
            actor=self.actor,
            transfer=self.object,
            received_on=data["received_on"],
            handler=data["handler"],
            phone=data["phone"],
        )

    def success_message(self) -> str:
        return _("The receipt was recorded; the member left the register.")


class ReissueView(StepView):
    step = "reissue"
    form_class = ReissueForm
    template_name = "transfers/reissue_form.html"

    def get_form(self, data: Any = None) -> forms.Form:
        return ReissueForm(data, initial={"valid_days": self.object.valid_days})

    def perform(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_reissue_letter(
            actor=self.actor,
            transfer=self.object,
            issued_on=data["issued_on"],
            valid_days=data["valid_days"],
            to_org=data["to_org"],
            to_name=data["to_name"],
            addressee=data["addressee"],
        )

    def success_message(self) -> str:
        return _("A new letter was issued; the old one is void.")


# --- starting ------------------------------------------------------------------------------


class StartTransferView(ScopedMixin, DetailView):
    """Start the transfer of one member, from the member's page."""

    model = Member
    scope_action = Action.CHANGE
    template_name = "transfers/start_form.html"
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("home_org")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = StartTransferForm(initial={"member_phone": self.object.phone})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = StartTransferForm(request.POST)
        if form.is_valid():
            try:
                transfer = actions.do_start_transfer(
                    actor=self.actor, member=self.object, **form.action_fields()
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Transfer started as a draft."))
                return redirect("transfers:detail", pk=transfer.pk)
        return self.render_to_response(self.get_context_data(form=form))


@login_required
def start_batch(request: AuthedRequest) -> HttpResponse:
    """Start transfers of several members of one organization at once: all or none."""
    org_id = request.GET.get("org", "")
    if not org_id.isdigit():
        raise Http404("No organization")
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=int(org_id))
    if not covers(request.user, org):
        raise PermissionDenied
    members = (
        Member.objects.visible_to(request.user, Action.CHANGE)
        .active()
        .filter(home_org=org)
        .order_by("name_pinyin", "pk")
    )
    form = BatchStartForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            transfers = actions.do_start_transfers(
                actor=request.user,
                members=list(form.cleaned_data["members"]),
                **form.action_fields(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request, _("%(count)s transfers started as drafts.") % {"count": len(transfers)}
            )
            return redirect(reverse("transfers:history") + f"?status={S.DRAFT}")
    return render(request, "transfers/start_batch.html", {"form": form, "organization": org})


@login_required
def organization_options(request: HttpRequest) -> HttpResponse:
    """The receiving organizations whose name contains `q`, as <option>s for the picker."""
    scope = user_scope(request.user)
    if not (scope.is_superuser or scope.paths_for(Action.CHANGE)):
        raise PermissionDenied
    options = org_options(request.GET.get("q", "")[:50])
    return render(request, "transfers/_org_options.html", {"options": options})


# --- the letter ----------------------------------------------------------------------------


def may_print(user: Any, transfer: Transfer) -> bool:
    """The sending side and the issuing committee print the letter (it holds the full ID-card
    number)."""
    return covers(user, transfer.from_org) or covers(user, transfer.issuing_committee)


class LetterView(ScopedMixin, DetailView):
    """The three-part introduction letter on one A4 sheet. Printing it is an audited access to
    the member's full ID-card number."""

    model = Transfer
    template_name = "print/transfer_letter.html"
    context_object_name = "transfer"

    def get_queryset(self) -> Any:
        qs: Any = super().get_queryset()
        return qs.for_list().filter(number__isnull=False)

    def check_object_action(self, obj: Any) -> None:
        if not may_print(self.actor, obj):
            raise PermissionDenied

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        transfer: Transfer = self.object
        assert transfer.issued_on is not None
        context["member"] = transfer.member
        context["age"] = transfer.member.age_on(transfer.issued_on)
        context["void"] = transfer.status in (S.REISSUED, S.WITHDRAWN, S.EXPIRED)
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        transfer: Transfer = self.object
        with transaction.atomic():
            record_event(
                actor=self.actor,
                instance=transfer.member,
                event="transfer.letter_printed",
                details={"transfer": transfer.pk, "number": transfer.number},
            )
        return response


# --- suggestions ---------------------------------------------------------------------------


@login_required
def suggestions(request: AuthedRequest) -> HttpResponse:
    """Members the user's branches should transfer (away six months at an employer with a party
    organization, or settled elsewhere), longest away first. Home side only."""
    if not request.user.is_superuser and not user_scope(request.user).paths_for(Action.CHANGE):
        raise PermissionDenied
    members = Member.objects.visible_to(request.user, Action.CHANGE).active().for_list()
    rows = transfer_suggestions(members).order_by("away_since", "pk")
    page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transfers/suggestions.html", {"page": page, "querystring": ""})
