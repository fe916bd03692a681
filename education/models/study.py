"""Classified and online education (issue 10, item 6): the "home of mobile members" column
(流动党员之家) of notices and study materials, each aimed at an audience; members' study
records; and the branch posts that make a member a cadre with the higher yearly requirement.

Who sees a column item (`ColumnItemQuerySet.visible_to`): an item belongs to its publishing
organization. It is seen by every user whose view scope covers the publisher (its own staff and
the committees above) and, unless it is for chosen organizations only, by every user working
below the publisher (a county's item reaches every branch of the county). An item for chosen
organizations is seen, besides the publisher's side, by the staff of those organizations, of
the organizations below them and of the committees above them. Who may publish, edit and
withdraw: the changers of the publishing organization (a role covering it).

Which items apply to a member (`ColumnItemQuerySet.for_member`, and its mirror
`education.study.queries.applicable_members`): the item is published at or above the member's
home branch or the inflow organization of the member's current absence, and its audience
fits: everyone; migrant workers and traders (外出务工经商人员: the current absence's occupation
says so); employees of non-public enterprises (非公有制企业从业人员: the absence's employer is
a non-public enterprise, or its occupation says so); or the member's home branch or inflow
organization is one of the chosen organizations or lies below one.

Meeting study hours are never copied into study records: the yearly total adds, by query, the
hours of every meeting the member attended in person or online (not voided). A correction of
the meeting then shows at once, and nothing can count twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.scoping import Action
from core.types import AnyUser
from core.validators import past_date
from members.models import CURRENT_STATUSES, Member, MemberRecordQuerySet, MobilityEpisode
from members.models.choices import OccupationCategory
from organizations.models import BRANCH_KINDS, COMMITTEE_KINDS, Organization, Sector
from organizations.scope import user_scope

#: The kinds of organization that publish in the column: committees and branch-level ones.
PUBLISHER_KINDS = COMMITTEE_KINDS | BRANCH_KINDS

#: Most hours one study record or one column item can be worth: a day.
MAX_STUDY_HOURS = Decimal(24)


def positive_hours(value: Decimal) -> None:
    """A study record's hours: more than 0 and at most a day (the issue's bad input)."""
    if value is None:
        return
    if value <= 0:
        raise ValidationError(_("Study hours must be more than 0."), code="hours_not_positive")
    if value > MAX_STUDY_HOURS:
        raise ValidationError(
            _("At most 24 study hours can be recorded at once: a day has 24 hours."),
            code="hours_above_day",
        )


def item_hours(value: Decimal) -> None:
    """A column item's hours: 0 (a notice, not study) to 24."""
    if value is None:
        return
    if value < 0:
        raise ValidationError(_("Study hours cannot be negative."), code="hours_negative")
    if value > MAX_STUDY_HOURS:
        raise ValidationError(
            _("At most 24 study hours can be recorded at once: a day has 24 hours."),
            code="hours_above_day",
        )


class ColumnItemKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    MATERIAL = "material", _("Study material")


class Audience(models.TextChoices):
    """Whom a column item is for (MISSION.md, "Education": classified education)."""

    EVERYONE = "everyone", _("All members")
    MIGRANT = "migrant", _("Migrant workers and traders")
    NON_PUBLIC = "non_public", _("Employees of non-public enterprises")
    CHOSEN = "chosen", _("Chosen organizations")


class StudyKind(models.TextChoices):
    """What a study record is of. Meetings are not among them: their hours are counted from
    attendance (see the module's docstring)."""

    COLUMN = "column", _("Column item read")
    COURSE = "course", _("Course")
    TRAINING = "training", _("Training")
    SELF_STUDY = "self_study", _("Self-study")
    OTHER = "other", _("Other")


class BranchPostKind(models.TextChoices):
    SECRETARY = "secretary", _("Branch secretary")
    DEPUTY_SECRETARY = "deputy", _("Deputy secretary")
    COMMITTEE = "committee", _("Branch committee member")


def _ancestor_paths(paths: tuple[str, ...]) -> list[str]:
    """Every path at or above each of `paths` (the tree's paths step by 4 characters)."""
    step = Organization.steplen
    return sorted({p[:i] for p in paths for i in range(step, len(p) + 1, step)})


def _at_or_below(field: str, paths: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


class ColumnItemQuerySet(models.QuerySet["ColumnItem"]):
    def visible_to(self, user: AnyUser, action: str = Action.VIEW) -> ColumnItemQuerySet:
        """See the module's docstring. Changing (edit, withdraw) needs a role covering the
        publisher; recording "read by" needs only to see the item (the members are checked
        one by one against `Member.objects.visible_to(user, "record")`)."""
        scope = user_scope(user)
        if scope.is_superuser:
            return self
        if action == Action.CHANGE:
            return self.filter(scope.q("organization__path", Action.CHANGE))
        paths = scope.paths_for(Action.VIEW)
        above = _ancestor_paths(paths)
        chosen = ColumnItem.organizations.through.objects.filter(
            Q(organization__path__in=above) | _at_or_below("organization__path", paths),
            columnitem_id=OuterRef("pk"),
        )
        return self.filter(
            scope.q("organization__path", Action.VIEW)
            | (~Q(audience=Audience.CHOSEN) & Q(organization__path__in=above))
            | (Q(audience=Audience.CHOSEN) & Exists(chosen))
        )

    def current(self) -> ColumnItemQuerySet:
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def newest_first(self) -> ColumnItemQuerySet:
        return self.order_by("-published_on", "-id")

    def for_member(self, member: Member) -> ColumnItemQuerySet:
        """The items that apply to `member` (see the module's docstring): published at or above
        the member's home branch or current inflow organization, for an audience that fits.
        Reads the member's current absence (one query), then filters."""
        episode = (
            MobilityEpisode.objects.filter(member=member, status__in=CURRENT_STATUSES)
            .select_related("inflow_org")
            .only("occupation", "employer_sector", "inflow_org__path")
            .first()
        )
        places = [member.home_org.path]
        if episode is not None and episode.inflow_org is not None:
            places.append(episode.inflow_org.path)
        above = _ancestor_paths(tuple(places))
        audiences = [Audience.EVERYONE.value]
        if episode is not None and episode.occupation == OccupationCategory.MIGRANT_WORKER:
            audiences.append(Audience.MIGRANT.value)
        if episode is not None and (
            episode.employer_sector == Sector.NON_PUBLIC_ENTERPRISE
            or episode.occupation == OccupationCategory.NON_PUBLIC_EMPLOYEE
        ):
            audiences.append(Audience.NON_PUBLIC.value)
        chosen = ColumnItem.organizations.through.objects.filter(
            columnitem_id=OuterRef("pk"), organization__path__in=above
        )
        return self.filter(
            (Q(audience__in=audiences) & Q(organization__path__in=above))
            | (Q(audience=Audience.CHOSEN) & Exists(chosen))
        )


class ColumnItem(ChecksInOneQuery):
    """A notice or a piece of study material in the "home of mobile members" column
    (流动党员之家), published by a committee or a branch for an audience. The body is plain text:
    pages escape it (no HTML from users). Withdrawing hides it from the column; nothing is
    deleted, and the study recorded for it stays."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="column_items",
        verbose_name=_("published by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ColumnItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), max_length=20000, help_text=_("Plain text: line breaks are kept.")
    )
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A video or a page to study online (http or https)."),
    )
    study_hours = models.DecimalField(
        _("study hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[item_hours],
        help_text=_("What reading it is worth as study (0 for a notice)."),
    )
    published_on = models.DateField(_("published on"), validators=[past_date])
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="chosen_column_items",
        verbose_name=_("chosen organizations"),
        help_text=_("For the audience “chosen organizations”: they and those below them."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by (staff)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ColumnItemQuerySet.as_manager()

    #: What the publisher fills in (the action's keyword arguments, the form's fields).
    FIELDS = ("kind", "title", "body", "link", "study_hours", "published_on", "audience")

    class Meta:
        verbose_name = _("column item")
        verbose_name_plural = _("column items")
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="column_item_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(study_hours__gte=0) & Q(study_hours__lte=MAX_STUDY_HOURS),
                name="column_item_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="column_item_audience_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class StudyRecordQuerySet(MemberRecordQuerySet):
    """A member's study is seen by whoever sees the member, and recorded by whoever records the
    member's life (the home side, and the inflow side it is shared with): `visible_to` is
    members' `MemberRecordQuerySet`'s."""

    def in_year(self, year: int) -> StudyRecordQuerySet:
        return self.filter(
            studied_on__gte=dt.date(year, 1, 1), studied_on__lt=dt.date(year + 1, 1, 1)
        )


class StudyRecord(ChecksInOneQuery):
    """One piece of a member's study: a column item read (worth its hours, once per member and
    item), a course, a training, self-study; online or in person. Meetings' study hours are not
    recorded here: they are counted from attendance."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="study_records", verbose_name=_("member")
    )
    kind = models.CharField(_("what"), max_length=20, choices=StudyKind.choices)
    column_item = models.ForeignKey(
        ColumnItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_records",
        verbose_name=_("column item"),
    )
    title = models.CharField(
        _("course or content"),
        max_length=200,
        blank=True,
        help_text=_("The course, training or material studied (a column item names itself)."),
    )
    studied_on = models.DateField(_("date"), validators=[past_date])
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[positive_hours]
    )
    online = models.BooleanField(_("online"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StudyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        indexes = [
            # The yearly totals: by member, then date.
            models.Index(fields=["member", "studied_on"], name="study_member_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "column_item"],
                condition=Q(column_item__isnull=False),
                name="study_column_item_once",
                violation_error_message=_(
                    "This member's reading of this item is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_STUDY_HOURS),
                name="study_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=StudyKind.COLUMN, column_item__isnull=False)
                | (~Q(kind=StudyKind.COLUMN) & Q(column_item__isnull=True) & ~Q(title="")),
                name="study_column_or_title",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.studied_on} · {self.what}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.member.home_org.path}

    @property
    def what(self) -> str:
        if self.column_item_id is not None and self.column_item is not None:
            return self.column_item.title
        return self.title

    def clean(self) -> None:
        if self.kind == StudyKind.COLUMN and self.column_item_id is None:
            raise ValidationError({"column_item": _("Choose the column item read.")})
        if self.kind != StudyKind.COLUMN and not self.title.strip():
            raise ValidationError({"title": _("Say what was studied.")})


class BranchPostQuerySet(MemberRecordQuerySet):
    """Seen with the member; recorded and ended by the home side (`visible_to(user, "change")`,
    members' `MemberRecordQuerySet`'s)."""

    def held_in(self, year: int) -> BranchPostQuerySet:
        """Posts held at some time in `year`."""
        return self.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=dt.date(year, 1, 1)),
            started_on__lte=dt.date(year, 12, 31),
        )

    def current(self) -> BranchPostQuerySet:
        return self.filter(ended_on__isnull=True)


class BranchPost(ChecksInOneQuery):
    """A member's post in their branch: secretary (书记), deputy secretary or committee member
    (支委), from a date to a date. Kept on the member, not read from staff roles: members are not
    users (a secretary may have no login, and a login may be an officer who is no member of the
    branch), and the study requirement (56 hours instead of 32, the 2019 education-management
    regulations) follows the member. A member holding a post at any time in a year is held to
    the cadre requirement for that year."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="branch_posts", verbose_name=_("member")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="branch_posts",
        verbose_name=_("branch"),
    )
    post = models.CharField(_("post"), max_length=20, choices=BranchPostKind.choices)
    started_on = models.DateField(_("from"), validators=[past_date])
    ended_on = models.DateField(_("to"), validators=[past_date], null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = BranchPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch post")
        verbose_name_plural = _("branch posts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organization"],
                condition=Q(ended_on__isnull=True),
                name="branch_post_one_current",
                violation_error_message=_(
                    "This member already holds a post in this branch: end it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="branch_post_dates",
                violation_error_message=_("A post cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_post_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_path": self.organization.path}
