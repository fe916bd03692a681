"""The certificates section of the member's page: its one query lives here, so that the page's
view needs no change to show it."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import OuterRef, Subquery

from members.models import Certificate, CertificateCheck

register = template.Library()


@register.simple_tag
def member_certificates(member: Any) -> list[Certificate]:
    """The member's certificates, newest first, with their inflow branch and last yearly check:
    one query whatever their number. The page showing the member has already checked scope, and a
    certificate is visible exactly as its member is."""
    last_check = CertificateCheck.objects.filter(certificate=OuterRef("pk")).order_by("-year")
    return list(
        Certificate.objects.filter(member=member)
        .select_related("inflow_org")
        .annotate(
            last_check_year=Subquery(last_check.values("year")[:1]),
            last_check_result=Subquery(last_check.values("result")[:1]),
        )
        .order_by("-issued_on", "-id")
    )
