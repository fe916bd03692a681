"""The secretary's lists of mobile members (流动党员): set-based querysets, shared by the pages,
the ledgers (exports) and the nightly checks that come later.

Every list is a function of a `Reach` — which organizations count as "mine" on the home
(outflow) side and on the inflow side, and which members are visible — and of `Thresholds` — the
day and the grace periods. It returns one queryset with its annotations (last contact, report
due date, last finding attempt), computed by correlated subqueries, never a query per row. The
counts of the episode lists are one aggregate over the very conditions the lists filter on, so a
count and its list cannot disagree. A page builds the reach from the user; a ledger does the
same with the list's filters; a nightly job uses `Reach.everywhere()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.months import months_before
from core.scoping import Action
from core.types import AnyUser
from members.models import (
    CURRENT_STATUSES,
    OPEN_STATUSES,
    WIDE_SCOPE_ORGANIZATIONS,
    ContactRecord,
    EpisodeStatus,
    FindingAttempt,
    Member,
    MemberQuerySet,
    MobilityEpisode,
    MobilityEpisodeQuerySet,
    RegularReport,
    Standing,
    StandingDecision,
)
from organizations.models import COMMITTEE_KINDS, Organization
from organizations.scope import user_scope


class DaysBetween(Func):
    """`later - earlier` in whole days (PostgreSQL subtracts dates to an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


class PlusMonths(Func):
    """`date + months` as a date; the months may be a column (each member's report interval).

    Capped at 9999-12-31: a date stored before dates were bounded (year 9999) plus months is a
    year Python cannot read, and one such row answered the whole list with a 500."""

    template = "LEAST(CAST((%(expressions)s) AS date), DATE '9999-12-31')"
    arg_joiner = " + interval '1 month' * "
    output_field = DateField()


def _today(day: dt.date) -> Value:
    return Value(day, output_field=DateField())


@dataclass(frozen=True)
class Reach:
    """Where the lists look.

    `home` is a condition on an episode's outflow organization ("my members away"), `inflow`
    on the organization it checked in with ("members checked in with me"), `members` the
    members visible at all (the lost list also shows members shared with the inflow side).
    """

    home: Q
    inflow: Q
    #: Built on demand: the visible members cost a query (the shared ones) that the episode
    #: lists do not need.
    visible_members: Callable[[], MemberQuerySet]

    @property
    def members(self) -> MemberQuerySet:
        return self.visible_members()

    @classmethod
    def of(cls, user: AnyUser) -> Reach:
        scope = user_scope(user)
        if scope.is_superuser:
            return cls.everywhere()
        ids = scope.organization_ids(Action.VIEW)
        org_ids: Any = ids
        if len(ids) > WIDE_SCOPE_ORGANIZATIONS:
            # As the member register does: a county and up filters by a hashed subquery.
            org_ids = Organization.objects.filter(scope.q("path")).order_by().values("id")
        return cls(
            home=Q(home_org_id__in=org_ids),
            inflow=Q(inflow_org_id__in=org_ids),
            visible_members=lambda: Member.objects.visible_to(user, Action.VIEW),
        )

    @classmethod
    def everywhere(cls) -> Reach:
        """Every organization: for nightly jobs and the system administrator."""
        return cls(home=Q(), inflow=Q(), visible_members=Member.objects.all)

    def within(self, organization: Organization) -> Reach:
        """Narrowed to one organization's subtree (the lists' organization filter); the caller
        has checked that the organization is in the user's scope."""
        subtree = (
            Organization.objects.filter(path__startswith=organization.path).order_by().values("id")
        )
        return Reach(
            home=self.home & Q(home_org_id__in=subtree),
            inflow=self.inflow & Q(inflow_org_id__in=subtree),
            visible_members=lambda: self.members.filter(home_org_id__in=subtree),
        )


@dataclass(frozen=True)
class Thresholds:
    """The day the lists are drawn up, and the grace periods local practice sets."""

    today: dt.date = field(default_factory=timezone.localdate)
    #: Registered as leaving and not checked in this many days later → listed.
    grace_days: int = field(default_factory=lambda: settings.MOBILE_CHECK_IN_GRACE_DAYS)
    #: No contact for more than this many days → listed.
    contact_days: int = field(default_factory=lambda: settings.MOBILE_CONTACT_OVERDUE_DAYS)

    @property
    def lost_before(self) -> dt.date:
        """Lost on or before this day: six months (a setting) by today → suspension due."""
        return months_before(self.today, settings.SUSPENSION_DUE_LOST_MONTHS)

    @property
    def suspended_before(self) -> dt.date:
        """Suspended on or before this day: two years (a setting) by today → strike-off due."""
        return months_before(self.today, settings.STRIKE_OFF_DUE_SUSPENDED_MONTHS)

    @property
    def left_before(self) -> dt.date:
        """Members who left on or before this day have had their grace period."""
        return self.today - dt.timedelta(days=self.grace_days)

    @property
    def contact_before(self) -> dt.date:
        """A last contact before this day is overdue."""
        return self.today - dt.timedelta(days=self.contact_days)


def current_episodes(reach: Reach) -> MobilityEpisodeQuerySet:
    """Every current absence (registered, checked in, or lost while away) either side of the
    reach, of members still on the register."""
    return MobilityEpisode.objects.filter(
        reach.home | reach.inflow,
        status__in=CURRENT_STATUSES,
        member__archived_at__isnull=True,
    )


def with_records(episodes: MobilityEpisodeQuerySet, t: Thresholds) -> MobilityEpisodeQuerySet:
    """Annotate the last contact and report of each episode's member, and when contact and the
    next report are due. The clocks start again when the member leaves: a member who has not
    been contacted (or reported) since is counted from the date of leaving."""
    last_contact = (
        ContactRecord.objects.filter(member_id=OuterRef("member_id"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )
    last_report = (
        RegularReport.objects.filter(member_id=OuterRef("member_id"))
        .order_by("-reported_on")
        .values("reported_on")[:1]
    )
    today = _today(t.today)
    return episodes.annotate(
        last_contacted_on=Subquery(last_contact, output_field=DateField()),
        days_since_contact=DaysBetween(today, F("last_contacted_on")),
        # PostgreSQL's GREATEST skips NULLs: never contacted → the date of leaving.
        contact_clock=Greatest(F("last_contacted_on"), F("out_date"), output_field=DateField()),
        last_reported_on=Subquery(last_report, output_field=DateField()),
        report_due_on=PlusMonths(
            Greatest(F("last_reported_on"), F("out_date"), output_field=DateField()),
            F("member__report_every_months"),
        ),
        days_report_overdue=DaysBetween(today, F("report_due_on")),
        days_away=DaysBetween(today, F("out_date")),
    )


def conditions(reach: Reach, t: Thresholds) -> dict[str, Q]:
    """Each episode list's condition on `with_records(current_episodes(reach), t)`."""
    open_ = Q(status__in=OPEN_STATUSES)
    return {
        # The home side: every member of mine who is away, wherever they are.
        "away": reach.home,
        # The inflow side: members who checked in with an organization of mine.
        "checked_in_here": reach.inflow & Q(status=EpisodeStatus.CHECKED_IN),
        # A check-in outside the system, recorded by the home branch, is a check-in (Issue 9,
        # item 5): such a member is not waiting.
        "not_checked_in": reach.home
        & Q(
            status=EpisodeStatus.REGISTERED,
            out_date__lte=t.left_before,
            outside_check_in__isnull=True,
        ),
        "checked_in_outside": reach.home
        & Q(status=EpisodeStatus.REGISTERED, outside_check_in__isnull=False),
        # Lost members are on their own list: finding them comes before keeping in touch.
        "contact_overdue": reach.home & open_ & Q(contact_clock__lt=t.contact_before),
        "report_overdue": reach.home & open_ & Q(report_due_on__lt=t.today),
    }


def episode_list(slug: str, reach: Reach, t: Thresholds) -> MobilityEpisodeQuerySet:
    """The rows of one episode list, unordered (see `LISTS` for each list's order)."""
    return (
        with_records(current_episodes(reach), t)
        .filter(conditions(reach, t)[slug])
        .select_related(
            "member",
            "home_org",
            "inflow_org",
            "intended_org",
            "contact_person",
            "outside_check_in",
            "contact_member",
        )
    )


def episode_counts(reach: Reach, t: Thresholds) -> dict[str, int]:
    """The size of every episode list: one aggregate query."""
    return with_records(current_episodes(reach), t).aggregate(
        **{slug: Count("id", filter=condition) for slug, condition in conditions(reach, t).items()}
    )


def lost_base(reach: Reach) -> MemberQuerySet:
    """Members on the whereabouts-unknown list (失联) within the reach."""
    return reach.members.active().filter(lost_contact=True)


def lost_members(reach: Reach, t: Thresholds) -> MemberQuerySet:
    """The lost list: since when, where last known, and the last attempt to find them."""
    last_attempt = (
        FindingAttempt.objects.filter(member_id=OuterRef("pk"))
        .order_by("-attempted_on")
        .values("attempted_on")[:1]
    )
    return (
        lost_base(reach)
        .select_related("home_org")
        .annotate(
            last_attempt_on=Subquery(last_attempt, output_field=DateField()),
            days_lost=DaysBetween(_today(t.today), F("lost_contact_since")),
        )
    )


def _pending_decision() -> Exists:
    return Exists(StandingDecision.objects.pending().filter(member_id=OuterRef("pk")))


def _with_attempts(members: MemberQuerySet) -> MemberQuerySet:
    """`tried`: an attempt to find the member was recorded since contact was lost."""
    attempts = FindingAttempt.objects.filter(
        member_id=OuterRef("pk"), attempted_on__gte=OuterRef("lost_contact_since")
    )
    return members.annotate(tried=Exists(attempts))


def member_conditions(reach: Reach, t: Thresholds) -> dict[str, Q]:
    """The register's lists as conditions on members (with `_with_attempts`): the lists
    filter on them, `member_list_counts` counts them.

    - suspension due: lost six months or more, after at least one recorded attempt to find
      them, still in normal standing, a member of the reach's own organizations (the 2014
      opinions on members who lost contact: 停止党籍; issue 9, item 3);
    - strike-off due: suspended two years or more (the approval's date counts), a member of
      the reach's own organizations: to be struck off (除名) as having left the party.
    """
    return {
        "lost": Q(lost_contact=True),
        "suspension_due": reach.home
        & Q(
            lost_contact=True,
            standing=Standing.NORMAL,
            lost_contact_since__lte=t.lost_before,
            tried=True,
        ),
        "strike_off_due": reach.home
        & Q(standing=Standing.SUSPENDED, standing_since__lte=t.suspended_before),
    }


def member_list_counts(reach: Reach, t: Thresholds) -> dict[str, int]:
    """The size of every list of the register (lost, suspension due, strike-off due): one
    aggregate query."""
    return _with_attempts(reach.members.active()).aggregate(
        **{
            slug: Count("id", filter=condition)
            for slug, condition in member_conditions(reach, t).items()
        }
    )


def suspension_due(reach: Reach, t: Thresholds) -> MemberQuerySet:
    """Suspension due (停止党籍 candidates), with whether a decision already awaits approval."""
    return (
        _with_attempts(lost_members(reach, t))
        .filter(member_conditions(reach, t)["suspension_due"])
        .annotate(decision_pending=_pending_decision())
    )


def strike_off_due(reach: Reach, t: Thresholds) -> MemberQuerySet:
    """Strike-off due (除名), with how long the suspension has lasted."""
    return (
        reach.members.active()
        .filter(member_conditions(reach, t)["strike_off_due"])
        .select_related("home_org")
        .annotate(
            days_suspended=DaysBetween(_today(t.today), F("standing_since")),
            decision_pending=_pending_decision(),
        )
    )


@dataclass(frozen=True)
class SummaryRow:
    organization: Organization
    count: int


def lost_summary(reach: Reach, anchor: Organization | None) -> tuple[list[SummaryRow], int]:
    """Lost members per organization one level below `anchor` (a county's townships), and how
    many lie outside it (members of elsewhere shared with the anchor's organizations): two
    queries however many members there are."""
    step = Organization.steplen
    prefix_len = (anchor.depth + 1) * step if anchor else step
    groups = (
        lost_base(reach)
        .order_by()
        .annotate(prefix=Substr("home_org__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    by_prefix = {row["prefix"]: row["n"] for row in groups}
    inside = {
        prefix: n
        for prefix, n in by_prefix.items()
        if anchor is None or (prefix.startswith(anchor.path) and prefix != anchor.path)
    }
    orgs = Organization.objects.filter(path__in=list(inside)).order_by("path") if inside else []
    rows = [SummaryRow(org, inside[org.path]) for org in orgs]
    return rows, sum(by_prefix.values()) - sum(row.count for row in rows)


@dataclass(frozen=True)
class MobileList:
    """One list as the pages (and a ledger) show it: its rows, order, and search."""

    slug: str
    title: str | Promise
    description: str | Promise
    rows: Callable[[Reach, Thresholds], QuerySet[Any]]
    ordering: tuple[Any, ...]
    #: The path from a row to its member (for the name search).
    member_path: str = "member"

    def queryset(self, reach: Reach, t: Thresholds, *, search: str = "") -> QuerySet[Any]:
        rows = self.rows(reach, t)
        if search.strip():
            found = Member.objects.search(search).values("id")
            key = f"{self.member_path}_id__in" if self.member_path else "pk__in"
            rows = rows.filter(**{key: found})
        return rows.order_by(*self.ordering)


def _episodes(slug: str) -> Callable[[Reach, Thresholds], QuerySet[Any]]:
    return lambda reach, t: episode_list(slug, reach, t)


LISTS: dict[str, MobileList] = {
    mobile_list.slug: mobile_list
    for mobile_list in (
        MobileList(
            "away",
            _("My members away"),
            _("Members of your organizations who are away, and where they are."),
            _episodes("away"),
            ("member__name_pinyin", "id"),
        ),
        MobileList(
            "checked_in_here",
            _("Checked in with us"),
            _("Members of other organizations who checked in with yours."),
            _episodes("checked_in_here"),
            ("member__name_pinyin", "id"),
        ),
        MobileList(
            "not_checked_in",
            _("Not checked in"),
            _("Registered as leaving, and not checked in anywhere some days later."),
            _episodes("not_checked_in"),
            ("out_date", "member__name_pinyin", "id"),
        ),
        MobileList(
            "checked_in_outside",
            _("Checked in outside the system"),
            _(
                "Members of yours who checked in with a party organization that does not work "
                "in this system, as the home branch recorded it."
            ),
            _episodes("checked_in_outside"),
            ("member__name_pinyin", "id"),
        ),
        MobileList(
            "contact_overdue",
            _("Contact overdue"),
            _("Members away whom nobody has contacted for too long (or ever since they left)."),
            _episodes("contact_overdue"),
            ("contact_clock", "member__name_pinyin", "id"),
        ),
        MobileList(
            "report_overdue",
            _("Report overdue"),
            _("Members away whose regular report to the branch is overdue."),
            _episodes("report_overdue"),
            ("report_due_on", "member__name_pinyin", "id"),
        ),
        MobileList(
            "lost",
            _("Whereabouts unknown"),
            _("Members who lost contact, since when, where last known, and the last attempt."),
            lost_members,
            ("lost_contact_since", "name_pinyin", "id"),
            member_path="",
        ),
        MobileList(
            "suspension_due",
            _("Suspension due"),
            _(
                "Members lost six months or more, after attempts to find them: the branch "
                "general meeting may decide to suspend their membership (停止党籍)."
            ),
            suspension_due,
            ("lost_contact_since", "name_pinyin", "id"),
            member_path="",
        ),
        MobileList(
            "strike_off_due",
            _("Strike-off due"),
            _(
                "Members suspended two years or more and still not found: to be struck off "
                "(除名) as having left the party."
            ),
            strike_off_due,
            ("standing_since", "name_pinyin", "id"),
            member_path="",
        ),
    )
}


def summary_anchor(user: AnyUser, chosen: Organization | None) -> Organization | None:
    """The organization whose children the lost list's summary counts by: the filter's choice,
    else the user's one outermost role (a county officer's county). None: no summary."""
    if chosen is not None:
        return chosen if chosen.kind in COMMITTEE_KINDS else None
    scope = user_scope(user)
    outermost = {
        role.organization.path: role.organization
        for role in scope.roles
        if role.organization.path in scope.paths_for(Action.VIEW)
    }
    if len(outermost) != 1:
        return None
    (org,) = outermost.values()
    return org if org.kind in COMMITTEE_KINDS else None
