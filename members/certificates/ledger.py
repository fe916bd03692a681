"""The activity certificate register (流动党员活动证登记簿, issue 13): the certificates the
register page lists (`members.certificates.queries.register_rows`: the members the user sees,
the page's kind, status and year filter), in the page's order, with the items the 2006 rules
on the activity certificate have the branch register (name, branch, date of issue, reason,
place and time of leaving), the inflow part (organization, date of arrival), the status as the
page shows it and the last yearly check (年审).

No ID-card numbers: the register does not list them, so full ones cannot be asked for either.
The yearly check is a subquery of the one statement, organizations are named from `OrgIndex`:
the export costs the same queries for ten certificates or ten thousand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import FormFilter
from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from members.certificates.forms import CertificateRegisterFilter
from members.certificates.queries import REGISTER_KEYS, register_rows
from members.models import (
    CertificateCheck,
    CertificateKind,
    CertificateStatus,
    CheckResult,
)

#: What the register reads of a certificate and its annotations...
CERTIFICATE_FIELDS = (
    "number",
    "kind",
    "status",
    "issuing_org_id",
    "issued_on",
    "valid_until",
    "reason",
    "inflow_org_id",
    "arrived_on",
    "checked_year",
    "checked_result",
)
#: ... and of its member and its absence, under names a column can read.
CERTIFICATE_RELATED = {
    "name": "member__name",
    "out_date": "episode__out_date",
    "to_province": "episode__destination_province",
    "to_city": "episode__destination_city",
    "to_county": "episode__destination_county",
}


def _last_check() -> dict[str, Subquery]:
    """The certificate's latest yearly check: its year and result."""
    checks = CertificateCheck.objects.filter(certificate_id=OuterRef("pk")).order_by("-year")
    return {
        "checked_year": Subquery(checks.values("year")[:1]),
        "checked_result": Subquery(checks.values("result")[:1]),
    }


def shown_status(row: dict[str, Any], today: dt.date) -> str:
    """`Certificate.shown_status` of a row: a certificate letter past its validity is expired,
    whatever its stored status still says."""
    valid_until: dt.date | None = row["valid_until"]
    if (
        row["kind"] == CertificateKind.LETTER
        and row["status"] == CertificateStatus.VALID
        and valid_until is not None
        and valid_until < today
    ):
        return CertificateStatus.EXPIRED
    status: str = row["status"]
    return status


def _destination(row: dict[str, Any]) -> str:
    return "".join(part for part in (row["to_province"], row["to_city"], row["to_county"]) if part)


def certificate_ledger(orgs: OrgIndex, today: dt.date) -> Ledger:
    kinds = {value: str(label) for value, label in CertificateKind.choices}
    statuses = {value: str(label) for value, label in CertificateStatus.choices}
    results = {value: str(label) for value, label in CheckResult.choices}
    return Ledger(
        title=_("Activity certificate register"),
        sheet=pgettext_lazy("certificates", "Register"),
        columns=(
            Column(pgettext_lazy("certificates", "Certificate number"), "number", width=26),
            Column(
                pgettext_lazy("certificates", "Kind"),
                lambda r: kinds.get(r["kind"], r["kind"]),
                width=14,
            ),
            Column(pgettext_lazy("certificates", "Name"), "name", width=10),
            Column(
                pgettext_lazy("certificates", "Branch"),
                lambda r: orgs.name(r["issuing_org_id"]),
                width=22,
            ),
            Column(
                pgettext_lazy("certificates", "Date of issue"), "issued_on", width=11, kind="date"
            ),
            Column(
                pgettext_lazy("certificates", "Valid until"), "valid_until", width=11, kind="date"
            ),
            Column(pgettext_lazy("certificates", "Reason for leaving"), "reason", width=16),
            Column(pgettext_lazy("certificates", "Place of leaving"), _destination, width=20),
            Column(
                pgettext_lazy("certificates", "Time of leaving"), "out_date", width=11, kind="date"
            ),
            Column(
                pgettext_lazy("certificates", "Inflow organization"),
                lambda r: orgs.name(r["inflow_org_id"]),
                width=22,
            ),
            Column(
                pgettext_lazy("certificates", "Date of arrival"),
                "arrived_on",
                width=11,
                kind="date",
            ),
            Column(
                pgettext_lazy("certificates", "Status"),
                lambda r: statuses[shown_status(r, today)],
                width=8,
            ),
            Column(
                pgettext_lazy("certificates", "Last yearly check (year)"),
                "checked_year",
                width=9,
                kind="int",
            ),
            Column(
                pgettext_lazy("certificates", "Result of the last yearly check"),
                lambda r: results.get(r["checked_result"], "") if r["checked_result"] else "",
                width=9,
            ),
        ),
    )


class CertificateRegisterSource(LedgerSource):
    key = "certificates"
    title = _("Activity certificate register")
    list_url = "members:certificates"
    has_id_numbers = False

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        today = timezone.localdate()
        filters = CertificateRegisterFilter(data or None)
        queryset = register_rows(user, filters, today)
        related = {name: F(path) for name, path in CERTIFICATE_RELATED.items()}
        rows = (
            queryset.annotate(**_last_check())
            .order_by(*REGISTER_KEYS)
            .values(*CERTIFICATE_FIELDS, **related)
        )
        return Selection(
            ledger=certificate_ledger(OrgIndex(), today),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=queryset.count,
            words=filter_words(FormFilter(filters)),
        )


LEDGERS = (CertificateRegisterSource(),)
