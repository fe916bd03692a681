"""The certificate register's rows (登记簿): what the register page lists and what its ledger
exports, one definition for both."""

from __future__ import annotations

import datetime as dt
from typing import cast

from core.types import AnyUser
from members.certificates.forms import CertificateRegisterFilter
from members.models import Certificate
from members.models.certificates import CertificateQuerySet

#: The register's order: newest year first, then each county's sequence of each kind.
REGISTER_KEYS = ("-year", "kind", "county_id", "serial", "id")


def register_rows(
    user: AnyUser, filters: CertificateRegisterFilter, today: dt.date
) -> CertificateQuerySet:
    """The certificates of the members `user` sees, filtered by kind, status (as shown: a
    letter past its validity is expired; Issue 9, item 7) and year when the filter is valid;
    an invalid filter (a GET form anyone can edit) filters nothing. Unordered."""
    certificates = Certificate.objects.all()
    if filters.is_bound and filters.is_valid():
        if status := filters.cleaned_data.get("status"):
            certificates = certificates.with_shown_status(status, today)
        for name in ("kind", "year"):
            value = filters.cleaned_data.get(name)
            if value not in (None, ""):
                certificates = certificates.filter(**{name: value})
    # `visible_to` is declared on the records' base queryset: it returns this one's class.
    return cast(CertificateQuerySet, certificates.visible_to(user))
