"""The democratic evaluation (民主评议党员): grading a member for a year, the inflow
organization's opinion, and the handling of a 不合格 grade (issue 10, item 5).

**The one-third cap.** 优秀 is given to at most EVALUATION_EXCELLENT_NUMERATOR /
EVALUATION_EXCELLENT_DENOMINATOR (1/3) of the branch's members in the evaluation, rounded down.
The base is `evaluation_members(branch, year)`: the branch's members in good standing and not
archived, plus any graded at the branch that year who have left it or its good standing since.
It is the number of members the branch evaluates, known before the first grade, so the cap does
not depend on the order of grading (a base of "members graded so far" would refuse the first
优秀 of every branch). `do_grade_member` locks the branch's row before counting, so two gradings
at once take turns and never both pass the last place.

**The activity certificate's yearly check.** The regulations check the certificate "once a year
together with the democratic evaluation". Grading a member who holds a valid activity
certificate issued by that year records the certificate's check for the year in the same
transaction (`do_check_certificate`: passed, or not passed for a 不合格 grade with the grade's
handling as its follow-up), unless the year's check is already recorded (by the home side or
the inflow organization, `members:certificate_check`): then the evaluation links that check and
leaves it as it is. Either way the evaluation points at the check (`certificate_check`).

**不合格.** A 不合格 grade needs its handling, recorded in the same action as a `HandlingNote`
(a line of the education and handling card): criticism and education, correction within a
deadline, or persuasion to withdraw, which also proposes a standing decision (劝退) to the
committee above, with the meeting that voted as its branch general meeting.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid
from core.scoping import Action
from education.models import (
    Evaluation,
    Grade,
    HandlingKind,
    HandlingNote,
    InflowOpinion,
    Meeting,
)
from education.models.evaluation import FIRST_YEAR
from members.access import lock_for_change, may_change
from members.certificates.actions import do_check_certificate
from members.models import (
    GOOD_STANDINGS,
    Certificate,
    CertificateCheck,
    CertificateKind,
    CertificateStatus,
    CheckResult,
    DecisionKind,
    EpisodeStatus,
    Member,
    MobilityEpisode,
)
from members.models.member import MemberQuerySet
from members.standing.actions import do_propose_standing_decision
from organizations.models import Organization
from organizations.notices import do_notify_organization
from organizations.scope import user_scope

#: The kinds of meeting a democratic evaluation is voted at.
VOTING_KINDS = ("general_meeting", "life_meeting")


def default_year(today: dt.date | None = None) -> int:
    """The year evaluated by default: the last one (evaluations are held at the turn of the
    year, and the current year's once it is over)."""
    return (today or timezone.localdate()).year - 1


def year_refusal(year: int) -> str | None:
    today = timezone.localdate()
    if FIRST_YEAR <= year <= today.year:
        return None
    return _("The year evaluated lies between %(first)s and %(last)s.") % {
        "first": FIRST_YEAR,
        "last": today.year,
    }


def evaluation_members(branch: Organization, year: int) -> MemberQuerySet:
    """The members in `branch`'s evaluation for `year` (the cap's base): its members in good
    standing and not archived, and those graded at the branch that year (who may have left it
    since)."""
    graded_here = Evaluation.objects.filter(branch=branch, year=year).values("member_id")
    return Member.objects.filter(
        Q(home_org=branch, archived_at__isnull=True, standing__in=GOOD_STANDINGS)
        | Q(pk__in=graded_here)
    )


def excellent_cap(base: int) -> int:
    """At most this many 优秀 among `base` members (one third by default, rounded down)."""
    return (
        base * settings.EVALUATION_EXCELLENT_NUMERATOR // settings.EVALUATION_EXCELLENT_DENOMINATOR
    )


def cap_words() -> str:
    """The cap as a fraction, for the pages and the refusal ("1/3")."""
    return f"{settings.EVALUATION_EXCELLENT_NUMERATOR}/{settings.EVALUATION_EXCELLENT_DENOMINATOR}"


def may_grade(user: User, member: Member) -> bool:
    """The home side's changers grade (never an organization the member is shared with)."""
    return may_change(user, member) and not member.is_archived


def inflow_org_for(user: User, member: Member) -> Organization | None:
    """The inflow organization `user` gives its opinion of `member` for: the one the member is
    checked in with now, where `user` is one of its changers (as for the certificate's yearly
    check, `members.access.may_check_certificate`); None: the user may not. One query."""
    episode = (
        MobilityEpisode.objects.filter(member=member, status=EpisodeStatus.CHECKED_IN)
        .select_related("inflow_org")
        .first()
    )
    if episode is None or episode.inflow_org is None:
        return None
    if not user_scope(user).covers(episode.inflow_org.path, Action.CHANGE):
        return None
    return episode.inflow_org


def certificate_for(member: Member, year: int, day: dt.date) -> Certificate | None:
    """The activity certificate checked with `member`'s evaluation for `year`: the valid one,
    issued by that year and by `day`."""
    certificate: Certificate | None = (
        Certificate.objects.filter(
            member=member,
            kind=CertificateKind.ACTIVITY,
            status=CertificateStatus.VALID,
            issued_on__year__lte=year,
            issued_on__lte=day,
        )
        .order_by("-issued_on", "-id")
        .first()
    )
    return certificate


def _already_graded(evaluation: Evaluation) -> str:
    return _(
        "%(name)s was already graded “%(grade)s” for %(year)s on %(date)s: a member is graded "
        "once a year."
    ) % {
        "name": evaluation.member.name,
        "grade": evaluation.get_grade_display(),
        "year": evaluation.year,
        "date": evaluation.graded_on.isoformat(),
    }


def _refuse_above_cap(branch: Organization, year: int) -> None:
    """Inside the grading transaction, with the branch's row locked."""
    base = evaluation_members(branch, year).count()
    cap = excellent_cap(base)
    given = Evaluation.objects.filter(branch=branch, year=year, grade=Grade.EXCELLENT).count()
    if given + 1 > cap:
        raise ValidationError(
            {
                "grade": _(
                    "“Excellent” is given to at most %(fraction)s of the branch's %(base)s "
                    "members in the evaluation, that is %(cap)s; %(given)s already graded "
                    "“Excellent” for %(year)s."
                )
                % {
                    "fraction": cap_words(),
                    "base": base,
                    "cap": cap,
                    "given": given,
                    "year": year,
                }
            }
        )


def _check_meeting(meeting: Meeting | None, branch: Organization, year: int, day: dt.date) -> None:
    if meeting is None:
        return
    if meeting.organization_id != branch.pk or meeting.is_voided:
        raise ValidationError({"meeting": _("Choose a meeting the branch held.")})
    if not year <= meeting.held_on.year or meeting.held_on > day:
        raise ValidationError(
            {
                "meeting": _(
                    "The meeting that voted is held after the year begins and by the day of "
                    "grading."
                )
            }
        )


def _votes(votes: dict[str, int | None]) -> dict[str, int | None]:
    given = {name: votes.get(name) for name in Evaluation.VOTE_FIELDS}
    filled = [value for value in given.values() if value is not None]
    if filled and len(filled) != len(given):
        raise ValidationError(_("Enter the votes for every grade, or none."))
    return given


def _handling_errors(
    kind: str, measures: str, correct_by: dt.date | None, meeting: Meeting | None, day: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in HandlingKind.values:
        errors["handling_kind"] = _("A member graded “Unqualified” is handled: choose how.")
    if not measures:
        errors["measures"] = _(
            "Say how the member is criticized and educated, and what to correct."
        )
    if kind == HandlingKind.CORRECT and (correct_by is None or correct_by <= day):
        errors["correct_by"] = _("Give the deadline to correct by, after the day of grading.")
    if kind == HandlingKind.PERSUADE and meeting is None:
        errors["meeting"] = _(
            "Persuasion to withdraw is resolved by the branch general meeting: choose the "
            "meeting that voted."
        )
    return errors


def _yearly_check(
    actor: User, member: Member, year: int, graded_on: dt.date, grade: str, measures: str
) -> CertificateCheck | None:
    """The activity certificate's check for `year`, recorded now or as already recorded."""
    certificate = certificate_for(member, year, graded_on)
    if certificate is None:
        return None
    done: CertificateCheck | None = certificate.checks.filter(year=year).first()
    if done is not None:
        return done
    failed = grade == Grade.UNQUALIFIED
    return do_check_certificate(
        actor=actor,
        certificate=certificate,
        year=year,
        checked_on=graded_on,
        result=CheckResult.FAILED if failed else CheckResult.PASSED,
        note=_("Checked with the democratic evaluation: %(grade)s") % {"grade": Grade(grade).label},
        handling=measures[:500] if failed else "",
        handled_on=graded_on if failed else None,
    )


@action
def do_grade_member(
    *,
    actor: User,
    member: Member,
    year: int,
    grade: str,
    graded_on: dt.date,
    self_assessment: str = "",
    mutual_assessment: str = "",
    meeting: Meeting | None = None,
    votes_excellent: int | None = None,
    votes_qualified: int | None = None,
    votes_basic: int | None = None,
    votes_unqualified: int | None = None,
    handling_kind: str = "",
    measures: str = "",
    correct_by: dt.date | None = None,
) -> Evaluation:
    """The home branch grades `member` for `year`, once; 优秀 within the cap; a 不合格 grade
    with its handling; a certificate holder's yearly check with it (see the module's
    docstring)."""
    refusal = year_refusal(year)
    if refusal:
        raise ValidationError({"year": refusal})
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    # The branch first (the cap's lock), then the member: every grading takes them in this order.
    branch = Organization.objects.select_for_update().get(pk=member.home_org_id)
    member = lock_for_change(actor, member, archived=_("An archived member is not evaluated."))
    if member.home_org_id != branch.pk:
        raise ValidationError(_("The member has moved to another branch: reload the page."))
    if not member.in_good_standing:
        raise ValidationError(
            _("%(name)s's party standing is “%(standing)s”: not evaluated.")
            % {"name": member.name, "standing": member.get_standing_display()}
        )
    done = Evaluation.objects.filter(member=member, year=year).select_related("member").first()
    if done is not None:
        raise ValidationError(_already_graded(done))
    if graded_on > timezone.localdate() or graded_on.year < year:
        raise ValidationError(
            {"graded_on": _("The grade is given after the year begins and not in the future.")}
        )
    _check_meeting(meeting, branch, year, graded_on)
    votes = _votes(
        {
            "votes_excellent": votes_excellent,
            "votes_qualified": votes_qualified,
            "votes_basic": votes_basic,
            "votes_unqualified": votes_unqualified,
        }
    )
    measures = measures.strip()
    if grade == Grade.UNQUALIFIED:
        errors = _handling_errors(handling_kind, measures, correct_by, meeting, graded_on)
        if errors:
            raise ValidationError(errors)
    else:
        handling_kind, measures, correct_by = "", "", None
    if grade == Grade.EXCELLENT:
        _refuse_above_cap(branch, year)
    evaluation = save_valid(
        Evaluation(
            member=member,
            year=year,
            branch=branch,
            self_assessment=self_assessment.strip(),
            mutual_assessment=mutual_assessment.strip(),
            meeting=meeting,
            grade=grade,
            graded_on=graded_on,
            graded_by=actor,
            certificate_check=_yearly_check(actor, member, year, graded_on, grade, measures),
            **votes,
        )
    )
    if grade == Grade.UNQUALIFIED:
        _record_handling(actor, evaluation, handling_kind, measures, correct_by)
    return evaluation


def _record_handling(
    actor: User, evaluation: Evaluation, kind: str, measures: str, correct_by: dt.date | None
) -> HandlingNote:
    """Inside `do_grade_member`'s transaction: the 不合格 grade's line of the education and
    handling card, and for persuasion to withdraw the decision proposed to the committee."""
    decision = None
    if kind == HandlingKind.PERSUADE:
        meeting = evaluation.meeting
        assert meeting is not None  # _handling_errors
        decision = do_propose_standing_decision(
            actor=actor,
            member=evaluation.member,
            kind=DecisionKind.PERSUADE_WITHDRAW,
            grounds=measures,
            meeting_on=meeting.held_on,
            resolution=_("Graded “Unqualified” in the democratic evaluation of %(year)s.")
            % {"year": evaluation.year},
        )
    return save_valid(
        HandlingNote(
            member=evaluation.member,
            evaluation=evaluation,
            kind=kind,
            measures=measures,
            handled_on=evaluation.graded_on,
            correct_by=correct_by if kind == HandlingKind.CORRECT else None,
            decision=decision,
            recorded_by=actor,
        )
    )


@action
def do_record_inflow_opinion(
    *, actor: User, member: Member, year: int, opinion: str, suggested_grade: str
) -> InflowOpinion:
    """The inflow organization the member is checked in with gives its opinion for `year`'s
    evaluation at home (recorded again before the grade: replaced). The home branch is told."""
    member = Member.objects.locked(member)
    organization = inflow_org_for(actor, member)
    if organization is None:
        raise PermissionDenied
    refusal = year_refusal(year)
    if refusal:
        raise ValidationError({"year": refusal})
    if suggested_grade not in Grade.values:
        raise ValidationError({"suggested_grade": _("Choose a grade.")})
    opinion = opinion.strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write the organization's opinion.")})
    done = Evaluation.objects.filter(member=member, year=year).select_related("member").first()
    if done is not None:
        raise ValidationError(
            _(
                "The home branch has graded %(name)s for %(year)s already: the opinion comes "
                "too late."
            )
            % {"name": member.name, "year": year}
        )
    row = InflowOpinion.objects.filter(member=member, year=year, organization=organization).first()
    if row is None:
        row = InflowOpinion(member=member, year=year, organization=organization)
    row.opinion = opinion
    row.suggested_grade = suggested_grade
    row.recorded_by = actor
    save_valid(row)
    do_notify_organization(
        actor=actor,
        organization=member.home_org,
        title=_("%(org)s gave its opinion of %(name)s for the democratic evaluation of %(year)s")
        % {"org": organization.name, "name": member.name, "year": year},
        url=reverse("education:evaluate", args=[member.pk, year]),
    )
    return row
