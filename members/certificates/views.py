"""Pages of activity certificates and certificate letters: issue, the inflow and departure
parts, the yearly check, revoke, replace, the certificate's page, its printable form, and the
register (登记簿). A certificate is visible exactly as its member is."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from core.pagination import keyset_context
from core.scoping import Action
from core.types import AuthedRequest
from core.views import PrintView, ScopedActionFormView, ScopedMixin
from members import access
from members.certificates import actions as acts
from members.certificates.forms import (
    CertificateCheckForm,
    CertificateRegisterFilter,
    DeparturePartForm,
    InflowPartForm,
    IssueCertificateForm,
    ReplaceCertificateForm,
    RevokeCertificateForm,
)
from members.certificates.queries import REGISTER_KEYS, register_rows
from members.models import (
    OPEN_STATUSES,
    Certificate,
    CertificateKind,
    MobilityEpisode,
)
from members.models.certificates import activity_certificate_caution
from members.pages import MemberActionView

#: The unchecked list's order: the certificate held longest first.
UNCHECKED_KEYS = ("issued_on", "id")


#: Rows of yearly checks on the printed activity certificate.
PRINTED_CHECKS = 5


def certificate_queryset(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """Everything a certificate's pages print about it, in the one query."""
    return queryset.select_related(
        "member",
        "member__home_org",
        "episode",
        "county",
        "issuing_org",
        "inflow_org",
        "issued_by",
        "replaces",
    )


class MemberCertificateIssueView(MemberActionView):
    """Issue an activity certificate or a certificate letter: the home side."""

    scope_action = Action.CHANGE
    template_name = "members/certificates/issue.html"

    def open_episode(self) -> MobilityEpisode | None:
        return (
            MobilityEpisode.objects.filter(member=self.object, status__in=OPEN_STATUSES)
            .order_by("-out_date")
            .first()
        )

    def get_form(self, data: Any = None) -> IssueCertificateForm:
        episode = self.open_episode()
        initial = {
            "kind": CertificateKind.ACTIVITY if episode else CertificateKind.LETTER,
            "reason": episode.reason if episode else "",
        }
        return IssueCertificateForm(data, initial=initial)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        episode = self.open_episode()
        context["open_episode"] = episode
        # The rule the action applies, for an issue today (Issue 9, item 7).
        context["caution"] = activity_certificate_caution(episode, timezone.localdate())
        return context

    def perform(self, form: IssueCertificateForm) -> None:
        self.certificate = acts.do_issue_certificate(
            actor=self.actor, member=self.object, **form.cleaned_data
        )

    def get_success_message(self) -> str:
        return _("Issued %(kind)s number %(number)s.") % {
            "kind": self.certificate.get_kind_display(),
            "number": self.certificate.number,
        }

    def get_success_url(self) -> str:
        return reverse("members:certificate", args=[self.certificate.pk])


class CertificateMixin(ScopedMixin):
    model = Certificate
    pk_url_kwarg = "pk"
    context_object_name: str | None = "certificate"

    def get_queryset(self) -> Any:
        return certificate_queryset(super().get_queryset())


class CertificateFormView(CertificateMixin, ScopedActionFormView):
    def get_success_url(self) -> str:
        return reverse("members:certificate", args=[self.object.pk])


class CertificateInflowView(CertificateFormView):
    """The inflow part (流入党组织填写): the inflow side, or the home side on its behalf."""

    scope_action = Action.RECORD
    template_name = "members/certificates/inflow.html"

    def get_form(self, data: Any = None) -> InflowPartForm:
        return InflowPartForm(data, actor=self.actor, certificate=self.object)

    def perform(self, form: InflowPartForm) -> None:
        acts.do_fill_inflow_part(actor=self.actor, certificate=self.object, **form.cleaned_data)
        messages.success(self.request, _("Inflow part filled in."))


class CertificateDepartureView(CertificateFormView):
    """The departure part: organizational life and dues while at the inflow organization."""

    scope_action = Action.RECORD
    template_name = "members/certificates/departure.html"

    def get_form(self, data: Any = None) -> DeparturePartForm:
        return DeparturePartForm(data, certificate=self.object)

    def perform(self, form: DeparturePartForm) -> None:
        acts.do_fill_departure_part(actor=self.actor, certificate=self.object, **form.cleaned_data)
        messages.success(self.request, _("Departure part filled in."))


class CertificateCheckView(CertificateFormView):
    """The yearly check (年审): the home side or the inflow organization the member is checked in
    with, once a year (Issue 9, item 7)."""

    scope_action = Action.RECORD
    template_name = "members/certificates/check.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("episode__inflow_org")

    def check_object_action(self, obj: Model) -> None:
        super().check_object_action(obj)
        assert isinstance(obj, Certificate)
        access.require_check_certificate(self.actor, obj)

    def get_form(self, data: Any = None) -> CertificateCheckForm:
        return CertificateCheckForm(data)

    def perform(self, form: CertificateCheckForm) -> None:
        acts.do_check_certificate(actor=self.actor, certificate=self.object, **form.cleaned_data)
        messages.success(self.request, _("Yearly check recorded."))


class CertificateRevokeView(CertificateFormView):
    scope_action = Action.CHANGE
    template_name = "members/certificates/revoke.html"

    def get_form(self, data: Any = None) -> RevokeCertificateForm:
        return RevokeCertificateForm(data)

    def perform(self, form: RevokeCertificateForm) -> None:
        acts.do_revoke_certificate(actor=self.actor, certificate=self.object, **form.cleaned_data)
        messages.success(self.request, _("Certificate revoked."))


class CertificateReplaceView(CertificateFormView):
    scope_action = Action.CHANGE
    template_name = "members/certificates/replace.html"

    def get_form(self, data: Any = None) -> ReplaceCertificateForm:
        return ReplaceCertificateForm(data)

    def perform(self, form: ReplaceCertificateForm) -> None:
        self.new = acts.do_replace_certificate(
            actor=self.actor, certificate=self.object, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("Replaced by number %(number)s.") % {"number": self.new.number},
        )

    def get_success_url(self) -> str:
        return reverse("members:certificate", args=[self.new.pk])


class CertificateDetailView(CertificateMixin, DetailView[Any]):
    """One certificate: its parts, its yearly checks, what it replaced or was replaced by."""

    template_name = "members/certificates/detail.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("episode__inflow_org")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certificate: Certificate = self.object
        context["checks"] = list(certificate.checks.select_related("checked_by").order_by("year"))
        context["replaced_by"] = Certificate.objects.filter(replaces=certificate).first()
        member = certificate.member
        can_record = access.may_record(self.actor, member)
        context["can_change"] = access.may_change(self.actor, member)
        context["can_check"] = access.may_check_certificate(self.actor, certificate)
        context["can_fill_inflow"] = can_record and certificate.inflow_part_open
        context["can_fill_departure"] = can_record and certificate.departure_part_open
        return context


class CertificatePrintView(CertificateMixin, PrintView):
    """The printable form: the activity certificate's official layout, or the letter."""

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("episode__inflow_org", "episode__intended_org")

    def full_id_number(self) -> bool:
        """The certificate is an identity document: it prints the full ID-card number for the
        home side, who may reveal it (Issue 9, item 7); anyone else prints it masked."""
        certificate: Certificate = self.object
        return access.may_reveal_id_number(self.actor, certificate.member)

    def printout(self) -> tuple[Model, str, dict[str, Any]]:
        certificate: Certificate = self.object
        details = {"number": certificate.number, "full_id_number": self.full_id_number()}
        return certificate.member, "certificate.printed", details

    def get_template_names(self) -> list[str]:
        if self.object.kind == CertificateKind.ACTIVITY:
            return ["print/activity_certificate.html"]
        return ["print/certificate_letter.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certificate: Certificate = self.object
        if certificate.kind == CertificateKind.ACTIVITY:
            # The sheet has room for PRINTED_CHECKS rows: the latest checks, and blank rows
            # for the years to come.
            checks = list(certificate.checks.order_by("-year")[:PRINTED_CHECKS])[::-1]
            context["check_rows"] = checks + [None] * (PRINTED_CHECKS - len(checks))
        member = certificate.member
        context["age"] = member.age_on(certificate.issued_on)
        context["id_number"] = (
            member.id_number if self.full_id_number() else member.masked_id_number
        )
        episode = certificate.episode
        addressee = episode and (episode.inflow_org or episode.intended_org)
        context["addressee"] = addressee.name if addressee else ""
        # Sealed by the basic-level committee above the member's branch (the 2006 rules on the
        # activity certificate; Issue 9, item 7); the numbering county where there is none.
        context["sealed_by"] = member.home_org.committee_above() or certificate.county
        return context


@login_required
def certificate_register(request: AuthedRequest) -> HttpResponse:
    """The register (登记簿) of certificates in scope: filter by kind, status (as shown: a
    letter past its validity is expired; Issue 9, item 7), year (`register_rows`, which its
    ledger exports too)."""
    today = timezone.localdate()
    filters = CertificateRegisterFilter(request.GET or None)
    queryset = certificate_queryset(register_rows(request.user, filters, today))
    context = {
        "filter": filters,
        "today": today,
        **keyset_context(request, queryset, keys=REGISTER_KEYS, size=settings.MEMBERS_PAGE_SIZE),
    }
    return render(request, "members/certificates/register.html", context)


@login_required
def certificates_unchecked(request: AuthedRequest) -> HttpResponse:
    """Certificates not checked this year (Issue 9, item 7): the valid activity certificates in
    scope (scoped like the register) a year old or more with no passed yearly check for the
    current year, and younger ones whose check this year failed (`unchecked`), with this
    year's handling; the longest-held first."""
    today = timezone.localdate()
    queryset = certificate_queryset(Certificate.objects.unchecked(today).visible_to(request.user))
    context = {
        "today": today,
        **keyset_context(request, queryset, keys=UNCHECKED_KEYS, size=settings.MEMBERS_PAGE_SIZE),
    }
    return render(request, "members/certificates/unchecked.html", context)
