"""Transfer pages: the queues, a transfer with its timeline, each step's form, the letter.

Who may take which step is `transfers.steps`, asked by the actions and by these pages alike (to
show the right buttons and to answer 403 before a form); the queues are `transfers.queues`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.actions import run_action
from core.forms import query_id, query_text
from core.scoping import Action
from core.types import AuthedRequest
from core.views import PrintView, ScopedActionFormView, ScopedMixin
from members.dues.paid_until import recorded_paid_until
from members.models import Member
from members.pages import MemberActionView
from organizations.models import Organization
from organizations.scope import require_any
from transfers import actions
from transfers.forms import (
    ApproveForm,
    BatchStartForm,
    HistoryFilter,
    IssueForm,
    ReasonForm,
    ReceiveForm,
    RecordReceiptForm,
    ReissueForm,
    ReturnReceiptForm,
    StartTransferForm,
    org_options,
)
from transfers.models import Transfer, TransferEvent, TransferStatus
from transfers.queues import (
    HISTORY_ORDER,
    QUEUE_ORDER,
    QUEUES,
    change_org_ids,
    history_rows,
    queue,
    queue_counts,
)
from transfers.steps import STEPS, available_steps, covers, may_print, require_step
from transfers.suggestions import transfer_suggestions


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
        .order_by(*QUEUE_ORDER)[: settings.MEMBERS_PAGE_SIZE]
        .rows()
    )
    tabs = [(key, label, counts[key]) for key, label in QUEUES]
    return render(
        request,
        "transfers/queues.html",
        {"tabs": tabs, "tab": tab, "rows": rows, "count": counts[tab], "today": today},
    )


HISTORY_PAGE_SIZE = 50


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Every transfer the user sees, newest first, by status (`history_rows`, which the
    transfers ledger exports too)."""
    form = HistoryFilter(request.GET or None)
    qs = history_rows(request.user, form).order_by(*HISTORY_ORDER)
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


class TransferDetailView(ScopedMixin, DetailView[Any]):
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
        # After the move the sender no longer sees the member: the name is shown without a
        # link to a page that would answer 404 (issue 9, item 22).
        context["member_visible"] = (
            transfer.member_id is not None
            and Member.objects.visible_to(self.actor).filter(pk=transfer.member_id).exists()
        )
        return context


class StepView(ScopedActionFormView):
    """One step's form. Visible transfer, step not the user's to take → 403; not visible → 404.
    A step the transfer's state does not allow now is refused by the action, shown plainly."""

    model = Transfer
    template_name = "transfers/step_form.html"
    context_object_name = "transfer"
    step: str
    form_class: type[forms.Form] = forms.Form

    def get_queryset(self) -> Any:
        qs: Any = super().get_queryset()
        return qs.for_list()

    def check_object_action(self, obj: Any) -> None:
        require_step(self.actor, self.step, obj)

    def get_form(self, data: Any = None) -> forms.Form:
        return self.form_class(data)

    def take(self, form: Any) -> Transfer:
        """Run the step's action; answers the transfer to show next."""
        raise NotImplementedError

    def perform(self, form: Any) -> None:
        self.result = self.take(form)

    def get_success_message(self) -> str:
        return _("Done.")

    def get_success_url(self) -> str:
        return reverse("transfers:detail", args=[self.result.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        step = STEPS[self.step]
        return super().get_context_data(step=step, step_open=step.open(self.object), **kwargs)


class SubmitView(StepView):
    step = "submit"

    def take(self, form: Any) -> Transfer:
        return actions.do_submit_transfer(actor=self.actor, transfer=self.object)

    def get_success_message(self) -> str:
        return _("Submitted to %(org)s for approval.") % {"org": self.object.issuing_committee.name}


class ApproveView(StepView):
    step = "approve"
    form_class = ApproveForm

    def take(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_approve_transfer(
            actor=self.actor,
            transfer=self.object,
            issue_on=data["issue_on"] if data["issue_now"] else None,
            note=data["note"],
        )

    def get_success_message(self) -> str:
        return _("Approved.")


class RejectView(StepView):
    step = "reject"
    form_class = ReasonForm

    def take(self, form: Any) -> Transfer:
        return actions.do_reject_transfer(
            actor=self.actor, transfer=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self) -> str:
        return _("Sent back to the sender.")


class IssueView(StepView):
    step = "issue"
    form_class = IssueForm

    def take(self, form: Any) -> Transfer:
        return actions.do_issue_letter(
            actor=self.actor, transfer=self.object, issued_on=form.cleaned_data["issued_on"]
        )

    def get_success_message(self) -> str:
        return _("The letter was issued.")


class WithdrawView(StepView):
    step = "withdraw"
    form_class = ReasonForm

    def take(self, form: Any) -> Transfer:
        return actions.do_withdraw_transfer(
            actor=self.actor, transfer=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self) -> str:
        return _("The transfer was withdrawn.")


class ReceiveView(StepView):
    step = "receive"
    form_class = ReceiveForm

    def take(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_receive_transfer(
            actor=self.actor,
            transfer=self.object,
            received_on=data["received_on"],
            presented_on=data["presented_on"],
        )

    def get_success_message(self) -> str:
        return _("%(name)s now belongs to %(org)s.") % {
            "name": self.object.member.name,
            "org": self.object.destination,
        }


class ReturnReceiptView(StepView):
    step = "return_receipt"
    form_class = ReturnReceiptForm

    def take(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_return_receipt(
            actor=self.actor,
            transfer=self.object,
            returned_on=data["returned_on"],
            handler=data["handler"],
            phone=data["phone"],
        )

    def get_success_message(self) -> str:
        return _("The receipt was returned.")


class RecordReceiptView(StepView):
    step = "record_receipt"
    form_class = RecordReceiptForm

    def take(self, form: Any) -> Transfer:
        data = form.cleaned_data
        return actions.do_record_receipt(
            actor=self.actor,
            transfer=self.object,
            received_on=data["received_on"],
            returned_on=data["returned_on"],
            handler=data["handler"],
            phone=data["phone"],
        )

    def get_success_message(self) -> str:
        return _("The receipt was recorded; the member left the register.")


class ReissueView(StepView):
    step = "reissue"
    form_class = ReissueForm
    template_name = "transfers/reissue_form.html"

    def get_form(self, data: Any = None) -> forms.Form:
        return ReissueForm(data, initial={"valid_days": self.object.valid_days})

    def take(self, form: Any) -> Transfer:
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

    def get_success_message(self) -> str:
        return _("A new letter was issued; the old one is void.")


class StartTransferView(MemberActionView):
    """Start the transfer of one member, from the member's page."""

    scope_action = Action.CHANGE
    template_name = "transfers/start_form.html"
    success_message = gettext_lazy("Transfer started as a draft.")

    def get_form(self, data: Any = None) -> StartTransferForm:
        return StartTransferForm(
            data,
            initial={"member_phone": self.object.phone},
            recorded=recorded_paid_until(self.object),
        )

    def perform(self, form: StartTransferForm) -> None:
        self.transfer = actions.do_start_transfer(
            actor=self.actor, member=self.object, **form.action_fields()
        )

    def get_success_url(self) -> str:
        return reverse("transfers:detail", args=[self.transfer.pk])


@login_required
def start_batch(request: AuthedRequest) -> HttpResponse:
    """Start transfers of several members of one organization at once: all or none."""
    org_id = query_id(request, "org")
    if org_id is None:
        raise Http404("No organization")
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    if not covers(request.user, org):
        raise PermissionDenied
    members = (
        Member.objects.visible_to(request.user, Action.CHANGE)
        .active()
        .filter(home_org=org)
        .order_by("name_pinyin", "pk")
    )
    form = BatchStartForm(request.POST or None, members=members)
    transfers = run_action(
        form,
        lambda: actions.do_start_transfers(
            actor=request.user,
            members=list(form.cleaned_data["members"]),
            **form.action_fields(),
        ),
    )
    if transfers is not None:
        messages.success(
            request, _("%(count)s transfers started as drafts.") % {"count": len(transfers)}
        )
        return redirect(reverse("transfers:history") + f"?status={TransferStatus.DRAFT}")
    return render(request, "transfers/start_batch.html", {"form": form, "organization": org})


@login_required
def organization_options(request: HttpRequest) -> HttpResponse:
    """The receiving organizations whose name contains `q`, as <option>s for the picker."""
    require_any(request.user, Action.CHANGE)
    options = org_options(query_text(request, "q")[:50])
    return render(request, "transfers/_org_options.html", {"options": options})


class LetterView(PrintView):
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
        context["void"] = transfer.status in (
            TransferStatus.REISSUED,
            TransferStatus.WITHDRAWN,
            TransferStatus.EXPIRED,
        )
        return context

    def printout(self) -> tuple[Model, str, dict[str, Any]]:
        transfer: Transfer = self.object
        return (
            transfer.member,
            "transfer.letter_printed",
            {"transfer": transfer.pk, "number": transfer.number},
        )


@login_required
def suggestions(request: AuthedRequest) -> HttpResponse:
    """Members the user's branches should transfer (away six months at a relatively fixed place,
    article 25; or settled elsewhere), longest away first. Home side only."""
    require_any(request.user, Action.CHANGE)
    members = Member.objects.visible_to(request.user, Action.CHANGE).active().for_list()
    rows = transfer_suggestions(members).order_by("away_since", "pk")
    page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "transfers/suggestions.html", {"page": page, "querystring": ""})
