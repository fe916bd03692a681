"""The alerts' pages: the scoped list with its filters, one alert with its history and its
handlings, and the POSTs that acknowledge, resolve or dismiss it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from core.actions import run_action
from core.links import url_maker
from core.pagination import keyset_context
from core.types import AuthedRequest
from members.access import may_change
from oversight import rules
from oversight.alerts import queries
from oversight.alerts.actions import (
    do_acknowledge_alert,
    do_dismiss_alert,
    do_resolve_alert,
    may_act,
)
from oversight.alerts.forms import AlertFilterForm, ReasonForm
from oversight.alerts.words import (
    SEVERITY_CSS,
    STATUS_CSS,
    describe,
    group_of,
    group_title,
    period_phrase,
    rule_description,
)
from oversight.models import Alert, AlertStatus
from oversight.models.alerts import LIST_RELATED

#: The list's order: the newest found first, in the order the runs found them. Walking the
#: primary key backwards stops after a page; sorting by the date sorted every live alert of the
#: scope first (a county of the province benchmark: 86,715 alerts, 160-280 ms; by id: 2 ms).
LIST_KEYS = ("-id",)


def line(
    alert: Alert, today: dt.date, member_url: Callable[[int], str], alert_url: Callable[[int], str]
) -> dict[str, Any]:
    """What one line of the list shows, worked out once here (the template only reads)."""
    member = alert.member
    if member is not None:
        subject, subject_url = member.name, member_url(member.pk)
    elif alert.subject_org is not None:
        subject, subject_url = alert.subject_org.name, ""
    else:
        subject, subject_url = alert.subject_key, ""
    return {
        "pk": alert.pk,
        "url": alert_url(alert.pk),
        "title": rules.title_of(alert.rule),
        "severity": alert.get_severity_display(),
        "severity_css": SEVERITY_CSS.get(alert.severity, "text-bg-secondary"),
        "subject": subject,
        "subject_url": subject_url,
        "subject_detail": alert.subject_key if alert.subject_org is not None else "",
        "organization": alert.organization.name,
        # A resolved alert's figures are as of the night it closed; the others' as of today.
        "figures": describe(
            alert.detail,
            alert.closed_on if alert.status == AlertStatus.RESOLVED and alert.closed_on else today,
        ),
        "opened_on": alert.opened_on,
        "age": (today - alert.opened_on).days,
        "status": alert.get_status_display(),
        "status_css": STATUS_CSS.get(alert.status, "text-bg-secondary"),
    }


@login_required
def alert_list(request: AuthedRequest) -> HttpResponse:
    """The alerts in the user's scope, live ones by default, filtered and paged."""
    form = AlertFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()  # a forged organization id answers 404 here, before any row is read
    filters = form.filters()
    today = timezone.localdate()
    alerts = queries.alert_list(request.user, filters, today)
    # The page's rows are found on the alert table alone, then read with their member and
    # organizations (`finish`): joining before the sort and limit joined every alert in scope.
    context = keyset_context(
        request,
        alerts,
        keys=LIST_KEYS,
        size=settings.MEMBERS_PAGE_SIZE,
        finish=lambda rows: rows.select_related(*LIST_RELATED),
    )
    member_url, alert_url = url_maker("members:detail"), url_maker("oversight:alert")
    context.update(
        form=form,
        filters=filters,
        lines=[line(a, today, member_url, alert_url) for a in context["page"].object_list],
    )
    return render(request, "oversight/alerts/list.html", context)


def _alert(request: AuthedRequest, pk: int) -> Alert:
    """The alert in the user's scope (404 outside it), with what its page and `may_act` read."""
    alert: Alert = get_object_or_404(
        Alert.objects.visible_to(request.user)
        .for_list()
        .select_related("acknowledged_by", "closed_by"),
        pk=pk,
    )
    return alert


@login_required
def alert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One alert: its rule, its figures, its history, its handlings and the buttons."""
    alert = _alert(request, pk)
    today = timezone.localdate()
    handlings = list(alert.handlings.select_related("recorded_by").order_by("-handled_on", "-id"))
    member = alert.member
    # "From an alert" (issue 12, item 3): the handling card's form, answering this alert, for
    # the member's home side (the form's own scope; a responsible organization that is not the
    # home side acknowledges and closes, but the card is the home branch's).
    handling_url = (
        f"{reverse('oversight:handling_new', args=[member.pk])}?alert={alert.pk}"
        if member is not None and not member.is_archived and may_change(request.user, member)
        else ""
    )
    context = {
        "alert": alert,
        "line": line(alert, today, url_maker("members:detail"), url_maker("oversight:alert")),
        "description": rule_description(alert.rule),
        "period": period_phrase(alert.period, alert.rule),
        "group": group_title(group_of(alert.rule)),
        "handlings": handlings,
        "handling_url": handling_url,
        "may_act": may_act(request.user, alert),
        "can_acknowledge": alert.can_become(AlertStatus.ACKNOWLEDGED),
        "can_close": alert.can_become(AlertStatus.RESOLVED),
        "resolve_form": ReasonForm(required=False, prefix="resolve"),
        "dismiss_form": ReasonForm(required=True, prefix="dismiss"),
    }
    return render(request, "oversight/alerts/detail.html", context)


def _acted(request: AuthedRequest, alert: Alert, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("oversight:alert", args=[alert.pk]))


def _refuse(request: AuthedRequest, alert: Alert, form: ReasonForm) -> HttpResponse:
    """The refusal in words on the alert's page (the status moved on, no reason given)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(reverse("oversight:alert", args=[alert.pk]))


def _acting(request: AuthedRequest, pk: int) -> Alert:
    """The alert a POST acts on: 404 outside the scope, 403 for who may only look."""
    alert = _alert(request, pk)
    if not may_act(request.user, alert):
        raise PermissionDenied
    return alert


@login_required
@require_POST
def acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = _acting(request, pk)
    form = ReasonForm({}, required=False)
    if run_action(form, lambda: do_acknowledge_alert(alert=alert, actor=request.user)) is None:
        return _refuse(request, alert, form)
    return _acted(request, alert, _t("The alert is acknowledged."))


def _close(
    request: AuthedRequest, pk: int, *, status: str, act: Callable[..., Alert], said: str
) -> HttpResponse:
    """Resolve or dismiss (`status`) with the reason typed in the page's form of that name."""
    alert = _acting(request, pk)
    dismissing = status == AlertStatus.DISMISSED
    form = ReasonForm(
        request.POST, required=dismissing, prefix="dismiss" if dismissing else "resolve"
    )
    done = run_action(
        form, lambda: act(alert=alert, reason=form.cleaned_data["reason"], actor=request.user)
    )
    if done is None:
        return _refuse(request, alert, form)
    return _acted(request, alert, said)


def _closer(status: str, act: Callable[..., Alert], said: StrOrPromise) -> Any:
    """The POST view that resolves or dismisses an alert."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        return _close(request, pk, status=status, act=act, said=str(said))

    return view


resolve = _closer(AlertStatus.RESOLVED, do_resolve_alert, _("The alert is resolved."))
dismiss = _closer(AlertStatus.DISMISSED, do_dismiss_alert, _("The alert is dismissed."))
