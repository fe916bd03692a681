"""System checks on the tree's data (`manage.py check --database default`, and `migrate`).

Official numbers (transfer letters, activity certificates, certificate letters) start with the
numbering committee's county code (GB/T 2260). A committee without one cannot issue (the actions
refuse in words); these checks say so before anyone tries, for every such committee at once.
They read the database, so Django runs them only when asked for a database (its convention for
`Tags.database`): `check --database default`, and `migrate` before it migrates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError
from django.db.models import Count

from organizations.models import Organization, OrgKind, numbering_kinds


@register(Tags.database)
def check_numbering_codes(
    app_configs: Iterable[Any] | None = None,
    databases: Iterable[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """organizations.E001: an active numbering committee without a county code;
    organizations.E002: two active county committees with the same code (their certificate
    numbers, one sequence per county, would collide)."""
    if databases is None:
        return []
    issues: list[CheckMessage] = []
    for alias in databases:
        try:
            issues.extend(_numbering_issues(alias))
        except DatabaseError:
            # Not migrated yet (no organization table): nothing can have been numbered.
            continue
    return issues


def _numbering_issues(alias: str) -> list[CheckMessage]:
    active = Organization.objects.using(alias).filter(is_active=True)
    uncoded = active.filter(kind__in=numbering_kinds(), county_code__regex=r"^\s*$")
    issues: list[CheckMessage] = [
        Error(
            f"{org.name} (id {org.pk}, {org.kind}) gives official numbers but has no county code.",
            hint="Enter its six-digit administrative division code (GB/T 2260) on the "
            "organization's form.",
            obj=org,
            id="organizations.E001",
        )
        for org in uncoded.order_by("path")
    ]
    shared = (
        active.filter(kind=OrgKind.COUNTY_COMMITTEE)
        .exclude(county_code__regex=r"^\s*$")
        .order_by()
        .values("county_code")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    issues.extend(
        Error(
            f"{row['count']} county committees share the county code {row['county_code']}: "
            "their certificate numbers would collide.",
            hint="Each county committee needs its own administrative division code.",
            id="organizations.E002",
        )
        for row in shared
    )
    return issues
