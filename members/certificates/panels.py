"""Certificates' panel on the member's page: every certificate with its inflow branch and last
yearly check, in one query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from core.panels import Panel, PanelContext
from members.models import Certificate, CertificateCheck
from members.pages import MemberPage


def certificates(page: MemberPage) -> PanelContext:
    """The member's certificates, newest first (a certificate is visible exactly as its
    member is, and the page has checked the member)."""
    last_check = CertificateCheck.objects.filter(certificate=OuterRef("pk")).order_by("-year")
    rows = list(
        Certificate.objects.filter(member=page.member)
        .select_related("inflow_org")
        .annotate(
            last_check_year=Subquery(last_check.values("year")[:1]),
            last_check_result=Subquery(last_check.values("result")[:1]),
        )
        .order_by("-issued_on", "-id")
    )
    return {"certificates": rows}


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel("certificates", certificates, {"sections": "members/certificates/_section.html"}, 20),
)
