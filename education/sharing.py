"""While a member belongs to a party group or a temporary branch, it sees the member and records
their organizational life (registered in `EducationConfig.ready`; members.sharing keeps the
grants in step with the records)."""

from __future__ import annotations

from django.db.models import Q

from education.models import GroupMembership
from members.models import RECORD_LIFE_PERMISSION
from members.sharing import VIEW, ShareSource

GROUP_SHARES = ShareSource(
    "group",
    GroupMembership,
    Q(left_on__isnull=True),
    "member_id",
    "organization_id",
    frozenset({VIEW, RECORD_LIFE_PERMISSION}),
)
