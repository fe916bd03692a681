"""The reads of the attendance pages: a meeting's sheet (who may be recorded, and what is
recorded), and the members of party groups and temporary branches. A page's every query starts
here or in its view; none grows with the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from core.scoping import Action
from core.types import AnyUser
from education.attendance.actions import attendable_members
from education.models import AttendanceStatus, GroupMembership, Meeting
from members.models import GOOD_STANDINGS, Member
from members.models.member import MemberQuerySet
from organizations.models import LIFE_GROUP_KINDS, Organization, OrgKind

#: What a member's row shows before anything is recorded: everyone present, the exceptions
#: marked (issue 10, item 2).
DEFAULT_STATUS = AttendanceStatus.PRESENT


#: The most rows one sheet lists: a branch has some dozens to a few hundred members; a
#: committee's meeting (a township's party lecture) may reach thousands, and is then narrowed
#: by a search (what is not listed is not posted, so it stays as it is). A row posts two
#: fields: 400 rows stay under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
SHEET_MAX_ROWS = 400


@dataclass
class Sheet:
    """A meeting's attendance as the page shows it. Each row is a dict the template only reads
    (pk, name, home: the home branch of a member from elsewhere, status, note, signed_in,
    recorded: whether a row is stored)."""

    own: list[dict[str, Any]] = field(default_factory=list)
    inflow: list[dict[str, Any]] = field(default_factory=list)
    #: Rows recorded for members no longer attendable here (the check-in ended): shown, kept.
    former: list[dict[str, Any]] = field(default_factory=list)
    #: More members match than the sheet lists (SHEET_MAX_ROWS): a search narrows it.
    truncated: bool = False

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [*self.own, *self.inflow]


def attendance_sheet(meeting: Meeting, search: str = "", limit: int | None = None) -> Sheet:
    """Two queries: the members attendable at the meeting's organization (its own first, then
    those from elsewhere, each by pinyin; those matching `search`, at most `limit`), and the
    rows recorded for them (for the whole meeting when the sheet lists everyone, so that rows
    of members no longer attendable show too)."""
    limit = SHEET_MAX_ROWS if limit is None else limit
    organization = meeting.organization
    group = organization.kind in LIFE_GROUP_KINDS
    members = attendable_members(organization)
    if search:
        members = members.search(search)
    listed = list(
        members.order_by("name_pinyin", "pk").values_list(
            "pk", "name", "home_org__name", "home_org__path"
        )[: limit + 1]
    )
    sheet = Sheet(truncated=len(listed) > limit)
    listed = listed[:limit]
    columns = ("member_id", "status", "note", "signed_in", "member__name", "member__home_org__name")
    stored_rows = meeting.attendance.order_by()
    narrowed = sheet.truncated or bool(search)
    if narrowed:
        stored_rows = stored_rows.filter(member_id__in=[row[0] for row in listed])
    recorded = {row[0]: row for row in stored_rows.values_list(*columns)}
    for pk, name, home_name, home_path in listed:
        own = not group and home_path.startswith(organization.path)
        stored = recorded.pop(pk, None)
        row = {
            "pk": pk,
            "name": name,
            # A party group's or temporary branch's members all come from their branches.
            "home": "" if own else home_name,
            "status": stored[1] if stored else DEFAULT_STATUS,
            "note": stored[2] if stored else "",
            "signed_in": bool(stored and stored[3]),
            "recorded": stored is not None,
        }
        (sheet.own if own else sheet.inflow).append(row)
    for pk, status, note, signed_in, name, home_name in recorded.values():
        sheet.former.append(
            {
                "pk": pk,
                "name": name,
                "home": home_name,
                "status": status,
                "note": note,
                "signed_in": signed_in,
                "recorded": True,
            }
        )
    sheet.former.sort(key=lambda row: (row["name"], row["pk"]))
    return sheet


# --- Party groups and temporary branches ----------------------------------------------------


def parent_path(organization: Organization) -> str:
    path: str = organization.path
    return path[: -organization.steplen]


def life_groups(user: AnyUser, action: str = Action.VIEW) -> QuerySet[Organization]:
    """The party groups and temporary branches in `user`'s scope."""
    groups: QuerySet[Organization] = Organization.objects.visible_to(user, action).filter(
        kind__in=LIFE_GROUP_KINDS
    )
    return groups


def life_group_list(user: AnyUser, limit: int) -> list[Organization]:
    """The list page's groups, in tree order, each with its current member count and its
    parent's name: one query."""
    step = Organization.steplen
    parents = Organization.objects.filter(path=OuterRef("parent_path")).values("name")[:1]
    return list(
        life_groups(user)
        .annotate(
            current=Count("group_memberships", filter=Q(group_memberships__left_on__isnull=True)),
            parent_path=Substr("path", 1, Length("path") - step),
        )
        .annotate(parent_name=Subquery(parents))
        .order_by("path")[:limit]
    )


def memberships_visible_to(user: AnyUser, action: str = Action.VIEW) -> QuerySet[GroupMembership]:
    """Group memberships of the groups in `user`'s scope (for `action`)."""
    return GroupMembership.objects.filter(
        organization__in=life_groups(user, action).order_by().values("pk")
    )


def group_candidates(user: AnyUser, group: Organization) -> MemberQuerySet:
    """Who may be added to `group`: a party group takes the members of its branch, a temporary
    branch mobile members `user` records life for; in good standing, not archived, not in the
    group already. (The action checks the same rule: `group_member_refusal`.)"""
    current = GroupMembership.objects.current().filter(organization=group).values("member_id")
    candidates = Member.objects.active().filter(standing__in=GOOD_STANDINGS)
    if group.kind == OrgKind.PARTY_GROUP:
        candidates = candidates.filter(home_org__path=parent_path(group))
    else:
        candidates = candidates.filter(
            pk__in=Member.objects.visible_to(user, Action.RECORD).values("pk"), is_mobile=True
        )
    return candidates.exclude(pk__in=current).order_by("name_pinyin", "pk")
