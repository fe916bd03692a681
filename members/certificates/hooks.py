"""What a later app tells the certificates: the holder's organizational life at the inflow
organization, for the activity certificate's departure part (issue 10, item 3).

The education app keeps the attendance records and registers its summary here in
`EducationConfig.ready` (members does not import education). Without one registered, the
departure part is typed by hand, as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from members.models import Certificate
from organizations.models import Organization


class LifeSummary(Protocol):
    def __call__(
        self, *, member_id: int, organization: Organization, arrived_on: dt.date, left_on: dt.date
    ) -> str: ...


_summaries: dict[str, LifeSummary] = {}


def register_life_summary(name: str, summary: LifeSummary) -> None:
    """Called from an app's `AppConfig.ready` (registering the same name again replaces it)."""
    _summaries[name] = summary


def life_summary(certificate: Certificate, left_on: dt.date) -> str:
    """The holder's organizational life at the certificate's inflow organization from the
    arrival to `left_on`, in words ("" when nothing is registered or the inflow part is
    empty): the departure part's text."""
    if certificate.inflow_org is None or certificate.arrived_on is None:
        return ""
    if left_on < certificate.arrived_on:
        return ""
    return "".join(
        summary(
            member_id=certificate.member_id,
            organization=certificate.inflow_org,
            arrived_on=certificate.arrived_on,
            left_on=left_on,
        )
        for summary in _summaries.values()
    )
