# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""A year of meetings and attendance in the demo county (issue 10): the last twelve months up to
today, in every branch that holds members and at the inflow organizations inside the county.

- Most branches hold what the rules ask (`MEETING_FREQUENCIES`: committee and theme party day
  monthly, general meeting and party lecture quarterly, organizational-life meeting and talks
  yearly; a committee only where the branch has `BRANCH_COMMITTEE_MIN_MEMBERS` members); about
  one in seven skips months and quarters.
- Members mostly take part in person, some online, a few on leave with the reason, fewer absent.
- Members checked in at an inflow organization in the county (the station, a community) are
  recorded there, at its meetings, from the day they checked in; their home branch records
  nothing for them, so their only organizational life is at the inflow organization.
- Members away outside the county mostly took part where they are (the home branch records them
  as "attended at another organization" after their reports); about a third did not, and some
  at home stopped coming: these have taken part in nothing for six months or more (the party
  constitution, article 38), the nightly rule's first condition; so have some members at an
  inflow organization who stopped coming there.

Speed: about 5,000 meetings and 90,000 attendance rows in the full county. Through
`do_record_meeting` and `do_record_attendance` that is two actions and a dozen queries per
meeting (minutes on the demo's machine); `education.attendance.actions.
do_record_meetings_in_bulk` runs the same checks
(the organization's kinds, the fields' validation, the attendance refusals, who may be
recorded) for one organization's year at once, writes with `bulk_create`, and records one audit
event per organization naming what it wrote.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from core.demo import DemoContext
from core.months import months_before
from education.attendance.actions import PlannedMeeting, do_record_meetings_in_bulk
from education.models import AttendanceStatus, MeetingKind, MeetingMode
from members.models import GOOD_STANDINGS, EpisodeStatus, Member, MobilityEpisode
from organizations.models import Organization, OrgKind

#: (status, note) per member id, as `do_record_attendance` takes them.
Entries = dict[int, tuple[str, str]]

# --- the demo's year ---------------------------------------------------------------------------

TOPICS: dict[str, tuple[str, ...]] = {
    MeetingKind.THEME_DAY: (
        "学习贯彻党的二十届四中全会精神",
        "重温入党誓词",
        "开展志愿服务进社区",
        "学习新修订的党纪处分条例",
        "参观红色教育基地",
        "交纳党费、学习党章",
        "结对帮扶困难群众",
        "清洁家园环境整治",
    ),
    MeetingKind.COMMITTEE: (
        "研究本月党建工作安排",
        "讨论发展党员工作",
        "研究流动党员管理服务事项",
        "研究困难党员走访慰问",
    ),
    MeetingKind.GENERAL_MEETING: (
        "通报季度党建工作情况",
        "讨论接收预备党员",
        "学习上级党组织文件精神",
        "民主评议党员工作部署",
    ),
    MeetingKind.LECTURE: (
        "书记讲党课：坚定理想信念",
        "党课：践行全心全意为人民服务宗旨",
        "党课：新时代农村基层党建",
        "党课：诚信守法、文明经商",
    ),
    MeetingKind.LIFE_MEETING: ("年度组织生活会暨民主评议党员",),
    MeetingKind.TALK: ("支部书记与党员谈心谈话",),
}
LEAVE_REASONS = ("外出务工", "生病住院", "家中有事", "单位值班", "外出学习培训")
ELSEWHERE_NOTE = "在流入地党组织参加组织生活（本人汇报）"
#: What a station holds for the members checked in with it.
STATION_KINDS = frozenset({MeetingKind.THEME_DAY, MeetingKind.LECTURE})
#: One branch in this many does not hold what the rules ask.
LAX_EVERY = 7
#: Of the members away outside the county, one in this many took part in nothing there.
SILENT_AWAY_EVERY = 3
#: Of the members at home, one in this many stopped coming eight months ago.
STOPPED_EVERY = 80


def _month_starts(today: dt.date) -> list[dt.date]:
    """The first days of the last twelve months, oldest first, this month last."""
    starts = []
    year, month = today.year, today.month
    for _back in range(12):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _day_in(ctx: DemoContext, month: dt.date) -> dt.date:
    day = month.replace(day=ctx.rnd.randint(5, 25))
    return min(day, ctx.today)


@dataclass
class Person:
    pk: int
    joined_on: dt.date
    #: "home": at home; "away": away outside the county; "inflow": checked in in the county.
    where: str
    silent_since: dt.date | None = None


@dataclass
class Year:
    ctx: DemoContext
    months: list[dt.date]

    def kinds_due(
        self, organization: Organization, size: int, lax: bool
    ) -> list[tuple[str, dt.date]]:
        """(kind, day) of the meetings `organization` holds in the year."""
        frequencies = settings.MEETING_FREQUENCIES
        held: list[tuple[str, dt.date]] = []
        rnd = self.ctx.rnd
        for kind, period in frequencies.items():
            if kind in (MeetingKind.PARTY_GROUP, MeetingKind.OTHER) or not period:
                continue
            if kind == MeetingKind.COMMITTEE and size < settings.BRANCH_COMMITTEE_MIN_MEMBERS:
                continue
            if organization.kind == OrgKind.STATION and kind not in STATION_KINDS:
                continue
            if period == "month":
                months = self.months
            elif period == "quarter":
                months = [m for m in self.months if (m.month - 1) % 3 == 1]
            else:
                months = [self.months[rnd.randrange(len(self.months))]]
            for month in months:
                # A lax branch skips a third of its months and quarters, and last month's
                # monthly meetings: the compliance table shows it red today.
                if lax and (month == self.months[-2] or rnd.random() < 0.35):
                    continue
                held.append((kind, _day_in(self.ctx, month)))
        return held


def _fields(ctx: DemoContext, kind: str) -> dict[str, Any]:
    rnd = ctx.rnd
    fields: dict[str, Any] = {"place": rnd.choice(("党员活动室", "村委会议室", "党群服务中心"))}
    if rnd.random() < 0.1:
        fields = {"mode": MeetingMode.BOTH, "place": "党员活动室及线上视频会议"}
    fields["presenter"] = ctx.fake.name()
    fields["recorder"] = ctx.fake.name()
    if kind == MeetingKind.LECTURE:
        fields["study_hours"] = 2
    elif kind in (MeetingKind.THEME_DAY, MeetingKind.GENERAL_MEETING):
        fields["study_hours"] = 1
    return fields


def _status(ctx: DemoContext) -> tuple[str, str]:
    draw = ctx.rnd.random()
    if draw < 0.84:
        return AttendanceStatus.PRESENT, ""
    if draw < 0.92:
        return AttendanceStatus.ONLINE, ""
    if draw < 0.97:
        return AttendanceStatus.LEAVE, ctx.rnd.choice(LEAVE_REASONS)
    return AttendanceStatus.ABSENT, ""


def _home_entries(ctx: DemoContext, kind: str, day: dt.date, people: list[Person]) -> Entries:
    entries: Entries = {}
    if kind == MeetingKind.COMMITTEE:
        # The committee: the branch's first members.
        people = people[:5]
    for person in people:
        if person.joined_on > day:
            continue
        silent = person.silent_since is not None and day >= person.silent_since
        if person.where == "inflow":
            continue  # recorded at the inflow organization
        if person.where == "away":
            if not silent and kind == MeetingKind.THEME_DAY:
                entries[person.pk] = (AttendanceStatus.ELSEWHERE, ELSEWHERE_NOTE)
            elif kind != MeetingKind.COMMITTEE:
                entries[person.pk] = (AttendanceStatus.LEAVE, "外出务工")
            continue
        entries[person.pk] = (
            (AttendanceStatus.ABSENT, "")
            if silent
            else (AttendanceStatus.PRESENT, "")
            if kind == MeetingKind.COMMITTEE
            else _status(ctx)
        )
    return entries


def create_meetings(ctx: DemoContext) -> tuple[int, int]:
    """(meetings, attendance rows) made."""
    year = Year(ctx, _month_starts(ctx.today))
    start = year.months[0]
    members = (
        Member.objects.active()
        .filter(standing__in=GOOD_STANDINGS)
        .order_by("home_org_id", "id")
        .values_list("pk", "home_org_id", "joined_on", "is_mobile", "lost_contact")
    )
    inflow: dict[int, tuple[int, dt.date]] = {
        member_id: (org_id, day or start)
        for member_id, org_id, day in MobilityEpisode.objects.filter(
            status=EpisodeStatus.CHECKED_IN, inflow_org__isnull=False
        ).values_list("member_id", "inflow_org_id", "checked_in_on")
    }
    by_branch: dict[int, list[Person]] = defaultdict(list)
    at_inflow: dict[int, list[tuple[Person, dt.date]]] = defaultdict(list)
    away_count = home_count = settled = 0
    for pk, home_id, joined_on, is_mobile, lost in members:
        person = Person(pk, joined_on, "home")
        if pk in inflow:
            person.where = "inflow"
            org_id, arrived = inflow[pk]
            at_inflow[org_id].append((person, arrived))
            # Of those there over eight months, every other one stopped coming after their
            # first month: their only organizational life, at the inflow organization, is
            # more than six months old.
            if arrived <= months_before(ctx.today, 8):
                settled += 1
                if settled % 2 == 1:
                    person.silent_since = arrived + dt.timedelta(days=31)
        elif is_mobile:
            person.where = "away"
            away_count += 1
            if lost or away_count % SILENT_AWAY_EVERY == 0:
                person.silent_since = start
        else:
            home_count += 1
            if home_count % STOPPED_EVERY == 0:
                person.silent_since = ctx.today - dt.timedelta(days=240)
        by_branch[home_id].append(person)
    organizations = Organization.objects.filter(
        pk__in=set(by_branch) | set(at_inflow), is_active=True
    ).order_by("path")
    made = rows = 0
    for n, organization in enumerate(organizations):
        people = by_branch.get(organization.pk, [])
        lax = n % LAX_EVERY == LAX_EVERY - 1
        planned = []
        for kind, day in sorted(year.kinds_due(organization, len(people), lax), key=lambda k: k[1]):
            entries = _home_entries(ctx, kind, day, people)
            for person, arrived in at_inflow.get(organization.pk, []):
                # The inflow organization records the members checked in with it, from their
                # arrival.
                if arrived > day or kind == MeetingKind.COMMITTEE:
                    continue
                stopped = person.silent_since is not None and day >= person.silent_since
                entries[person.pk] = (AttendanceStatus.ABSENT, "") if stopped else _status(ctx)
            if not entries:
                continue
            planned.append(
                PlannedMeeting(kind, day, ctx.rnd.choice(TOPICS[kind]), _fields(ctx, kind), entries)
            )
        if planned:
            counted = do_record_meetings_in_bulk(
                actor=ctx.admin, organization=organization, meetings=planned
            )
            made, rows = made + counted[0], rows + counted[1]
    return made, rows
