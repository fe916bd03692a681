"""The run log (each run, and what each rule did in it) and the button that runs the checks
now: county officers and superusers (`oversight.runs.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import run_action
from core.types import AuthedRequest
from oversight import rules as registry
from oversight.models import RunStatus
from oversight.runs.access import require_run_checks
from oversight.runs.actions import RunRequest, do_request_run
from oversight.runs.forms import RunNowForm
from oversight.runs.queries import rule_runs, run_log

RUNS_PAGE_SIZE = 50


def _log_page(request: AuthedRequest, form: RunNowForm) -> HttpResponse:
    page = Paginator(run_log(), RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/runs/run_list.html", {"page": page, "form": form})


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    """Each run, newest first: as of, started by, when, how long, status, the counts, error."""
    require_run_checks(request.user)
    return _log_page(request, RunNowForm())


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One run: what each rule opened, reopened, kept open and closed, how long it took and its
    error."""
    require_run_checks(request.user)
    run = get_object_or_404(run_log(), pk=pk)
    rows = [(result, registry.RULES.get(result.rule)) for result in rule_runs(run)]
    return render(request, "oversight/runs/run_detail.html", {"run": run, "rows": rows})


def _say(request: AuthedRequest, done: RunRequest) -> None:
    day = done.as_of.isoformat()
    if done.queued:
        messages.success(
            request,
            _(
                "The checks as of %(day)s are queued: the worker runs them now. Reload this "
                "page to see the run."
            )
            % {"day": day},
        )
    elif done.answer.get("status") == "busy":
        messages.warning(request, str(done.answer.get("message", "")))
    elif done.answer.get("status") == RunStatus.SUCCEEDED:
        messages.success(request, _("The checks as of %(day)s ran.") % {"day": day})
    else:
        messages.warning(
            request, _("The checks as of %(day)s ran with errors: see the run.") % {"day": day}
        )


@require_POST
@login_required
def run_now(request: AuthedRequest) -> HttpResponseBase:
    """The button: queue the checks as of today (or a recent day). A run in progress refuses it,
    saying so on the run log's page."""
    require_run_checks(request.user)
    form = RunNowForm(request.POST)
    done = run_action(
        form, lambda: do_request_run(as_of=form.cleaned_data["as_of"], actor=request.user)
    )
    if done is None:
        return _log_page(request, form)
    _say(request, done)
    return redirect(reverse("oversight:runs"))
