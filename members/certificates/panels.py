"""Certificates' panel on the member's page: every certificate with its inflow branch and last
yearly check, in one query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from core.panels import Panel, PanelContext
from members import access
from members.models import Certificate, CertificateCheck, CertificateKind, CertificateStatus
from members.pages import MemberPage


def certificates(page: MemberPage) -> PanelContext:
    """The member's certificates, newest first (a certificate is visible exactly as its
    member is, and the page has checked the member)."""
    last_check = CertificateCheck.objects.filter(certificate=OuterRef("pk")).order_by("-year")
    rows = list(
        Certificate.objects.filter(member=page.member)
        .select_related("inflow_org", "member__home_org", "episode__inflow_org")
        .annotate(
            last_check_year=Subquery(last_check.values("year")[:1]),
            last_check_result=Subquery(last_check.values("result")[:1]),
        )
        .order_by("-issued_on", "-id")
    )
    # The yearly check's button: the home side, or the inflow organization the member is
    # checked in with (Issue 9, item 7); read from the rows, no query.
    checkable = {
        c.pk
        for c in rows
        if c.kind == CertificateKind.ACTIVITY
        and c.status == CertificateStatus.VALID
        and access.may_check_certificate(page.user, c)
    }
    return {"certificates": rows, "checkable": checkable}


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel("certificates", certificates, {"sections": "members/certificates/_section.html"}, 20),
)
