"""Column items and study records in one call, for the demo county and the tests: the real
actions (validated, audited) with defaults for what the caller does not care about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from core.models import User
from education.models import (
    Audience,
    BranchPost,
    BranchPostKind,
    ColumnItem,
    ColumnItemKind,
    StudyKind,
    StudyRecord,
)
from education.study.actions import (
    do_publish_column_item,
    do_record_branch_post,
    do_record_study,
)
from members.models import Member
from organizations.models import Organization


def publish(
    organization: Organization,
    *,
    actor: User,
    title: str = "学习党的二十大精神",
    audience: str = Audience.EVERYONE,
    hours: Decimal | int | str = 2,
    on: dt.date | None = None,
    kind: str = ColumnItemKind.MATERIAL,
    body: str = "认真学习，联系实际。",
    link: str = "",
    chosen: Iterable[Organization] = (),
) -> ColumnItem:
    """A column item of `organization`, published `on` (today unless given)."""
    return do_publish_column_item(
        actor=actor,
        organization=organization,
        organizations=chosen,
        kind=kind,
        title=title,
        body=body,
        link=link,
        study_hours=Decimal(hours),
        published_on=on or timezone.localdate(),
        audience=audience,
    )


def study(
    member: Member,
    *,
    actor: User,
    hours: Decimal | int | str,
    on: dt.date | None = None,
    kind: str = StudyKind.COURSE,
    title: str = "党员冬训",
    online: bool = False,
    item: ColumnItem | None = None,
) -> StudyRecord:
    """A study record of `member` (a column item read when `item` is given)."""
    return do_record_study(
        actor=actor,
        member=member,
        kind=StudyKind.COLUMN if item is not None else kind,
        column_item=item,
        title="" if item is not None else title,
        studied_on=on or timezone.localdate(),
        hours=Decimal(hours),
        online=online,
    )


def give_post(
    member: Member,
    *,
    actor: User,
    post: str = BranchPostKind.SECRETARY,
    since: dt.date,
    until: dt.date | None = None,
) -> BranchPost:
    return do_record_branch_post(
        actor=actor, member=member, post=post, started_on=since, ended_on=until
    )
