"""The education and handling card (教育处理卡): what the home branch does about a member, from an
alert or from the member's page (issue 12, item 3).

A talk, criticism and education, a deadline to correct or persuasion to withdraw is one line of
the card. The six-month rule's procedure (party constitution, article 38: a member who, without
a proper reason, has not taken part in organizational life, paid dues or done assigned work for
six consecutive months is regarded as having left the party) runs in steps on one line: the
branch investigates the facts and tells the member (`do_start_procedure`,
`do_record_member_informed`), the branch general meeting resolves
(`do_procedure_decision`, which proposes a 除名 decision to the superior committee), and the
committee approves on issue 9's decision page. Only that approval changes the member; nothing
here is ever done by the nightly run.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid
from members.access import lock_for_change
from members.models import DECISION_FROM, DecisionKind, DecisionStatus, Member
from members.standing.actions import do_propose_standing_decision
from oversight.alerts.actions import acknowledge
from oversight.models import Alert, AlertStatus, Handling, HandlingKind

#: What `do_record_handling` records; the procedure has its own actions (it runs in steps).
RECORDED_KINDS = frozenset(
    {HandlingKind.TALK, HandlingKind.CRITICISM, HandlingKind.DEADLINE, HandlingKind.PERSUADE}
)

#: A procedure whose decision is in one of these is still under way (`open_procedure`).
_STILL_OPEN = (DecisionStatus.PROPOSED, DecisionStatus.WITHDRAWN)


def _locked_member(actor: User, member: Member) -> Member:
    return lock_for_change(actor, member, archived=_("An archived member is not handled here."))


def _locked_alert(member: Member, alert: Alert | None) -> Alert | None:
    """`alert`, locked, if it is about `member` (the view offers only such; refuse a forged
    one)."""
    if alert is None:
        return None
    locked: Alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=alert.pk)
    )
    if locked.member_id != member.pk:
        raise ValidationError(_("This alert is about another member."))
    return locked


def _acknowledge(actor: User, alert: Alert | None, handling: Handling) -> None:
    """The handling answers `alert` (locked above): an open alert becomes acknowledged by
    whoever recorded it, the event saying which handling answered."""
    if alert is None or alert.status != AlertStatus.OPEN:
        return
    acknowledge(alert, actor, handling=handling.pk, kind=handling.kind)


def _dates_errors(handled_on: dt.date, correct_by: dt.date | None, kind: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind != HandlingKind.DEADLINE:
        return errors
    if correct_by is None:
        errors["correct_by"] = _("Enter the date by which the member must correct.")
    elif correct_by <= handled_on:
        errors["correct_by"] = _("The deadline must be after the day of the handling.")
    elif correct_by < timezone.localdate():
        errors["correct_by"] = _("This deadline has passed already: enter one still to come.")
    return errors


@action
def do_record_handling(
    *,
    actor: User,
    member: Member,
    kind: str,
    handled_on: dt.date,
    note: str,
    correct_by: dt.date | None = None,
    alert: Alert | None = None,
    propose_withdrawal: bool = False,
    meeting_on: dt.date | None = None,
    resolution: str = "",
) -> Handling:
    """One line of the card: a talk, criticism and education, a deadline to correct (by a date
    after the handling, still to come) or persuasion to withdraw. Answering an open alert
    acknowledges it. Persuasion the member accepted may go on, with the branch general
    meeting's resolution, to a 劝退 decision proposed to the superior committee
    (`propose_withdrawal`)."""
    member = _locked_member(actor, member)
    alert = _locked_alert(member, alert)
    if kind not in RECORDED_KINDS:
        raise ValidationError({"kind": _("Choose one of the handlings offered.")})
    errors = _dates_errors(handled_on, correct_by, kind)
    if errors:
        raise ValidationError(errors)
    decision = None
    if propose_withdrawal:
        if kind != HandlingKind.PERSUADE:
            raise ValidationError(
                _("Only persuasion to withdraw goes on to a decision on party standing.")
            )
        decision = do_propose_standing_decision(
            actor=actor,
            member=member,
            kind=DecisionKind.PERSUADE_WITHDRAW,
            grounds=note,
            meeting_on=meeting_on,
            resolution=resolution,
        )
    handling = save_valid(
        Handling(
            member=member,
            organization=member.home_org,
            alert=alert,
            kind=kind,
            handled_on=handled_on,
            note=note.strip(),
            correct_by=correct_by if kind == HandlingKind.DEADLINE else None,
            decision=decision,
            recorded_by=actor,
        )
    )
    _acknowledge(actor, alert, handling)
    return handling


def open_procedure(member: Member) -> Handling | None:
    """The member's six-month rule procedure still under way: no decision yet, one the
    committee has not answered, or one the branch withdrew (it may meet again). An approved or
    rejected decision ends it."""
    procedure: Handling | None = (
        Handling.objects.filter(member=member, kind=HandlingKind.PROCEDURE)
        .filter(Q(decision__isnull=True) | Q(decision__status__in=_STILL_OPEN))
        .select_related("decision")
        .order_by("-handled_on", "-id")
        .first()
    )
    return procedure


@action
def do_start_procedure(
    *,
    actor: User,
    member: Member,
    handled_on: dt.date,
    note: str,
    informed_on: dt.date | None = None,
    alert: Alert | None = None,
) -> Handling:
    """The procedure's first step (article 38): the branch has checked the facts (`note`, the
    findings) and, on `informed_on`, told the member (or does it later:
    `do_record_member_informed`). One procedure at a time."""
    member = _locked_member(actor, member)
    alert = _locked_alert(member, alert)
    if member.standing not in DECISION_FROM[DecisionKind.STRIKE_OFF]:
        raise ValidationError(
            _("%(name)s's party standing is “%(standing)s”: the procedure does not apply.")
            % {"name": member.name, "standing": member.get_standing_display()}
        )
    if open_procedure(member) is not None:
        raise ValidationError(
            _("A six-month rule procedure for %(name)s is already under way.")
            % {"name": member.name}
        )
    if informed_on is not None and informed_on < handled_on:
        raise ValidationError(
            {"informed_on": _("The member is told the findings after they are checked.")}
        )
    handling = save_valid(
        Handling(
            member=member,
            organization=member.home_org,
            alert=alert,
            kind=HandlingKind.PROCEDURE,
            handled_on=handled_on,
            note=note.strip(),
            informed_on=informed_on,
            recorded_by=actor,
        )
    )
    _acknowledge(actor, alert, handling)
    return handling


def _locked_procedure(actor: User, procedure: Handling) -> Handling:
    locked: Handling = (
        Handling.objects.select_for_update(of=("self",))
        .select_related("member__home_org", "decision")
        .get(pk=procedure.pk, kind=HandlingKind.PROCEDURE)
    )
    locked.member = _locked_member(actor, locked.member)
    return locked


@action
def do_record_member_informed(
    *, actor: User, procedure: Handling, informed_on: dt.date
) -> Handling:
    """The procedure's first step, completed: the member was told the findings."""
    procedure = _locked_procedure(actor, procedure)
    if procedure.informed_on is not None:
        raise ValidationError(_("The member's being told is recorded already."))
    if informed_on < procedure.handled_on:
        raise ValidationError(
            {"informed_on": _("The member is told the findings after they are checked.")}
        )
    procedure.informed_on = informed_on
    return save_valid(procedure, update_fields=["informed_on"])


@action
def do_procedure_decision(
    *, actor: User, procedure: Handling, meeting_on: dt.date, resolution: str
) -> Handling:
    """The branch general meeting of `meeting_on` resolved: a 除名 decision goes to the superior
    committee (issue 9's `do_propose_standing_decision`), linked to the procedure. The member
    is unchanged until the committee approves."""
    procedure = _locked_procedure(actor, procedure)
    decision = procedure.decision
    if decision is not None and decision.status != DecisionStatus.WITHDRAWN:
        # Proposed, approved or not approved: a withdrawn proposal is the only one the branch
        # general meeting takes up again.
        raise ValidationError(_("The branch general meeting's decision is recorded already."))
    if procedure.informed_on is None:
        raise ValidationError(
            _("Tell the member the findings first: the meeting decides after the member was told.")
        )
    if meeting_on < procedure.informed_on:
        raise ValidationError(
            {"meeting_on": _("The meeting cannot be before the member was told the findings.")}
        )
    procedure.decision = do_propose_standing_decision(
        actor=actor,
        member=procedure.member,
        kind=DecisionKind.STRIKE_OFF,
        grounds=procedure.note,
        meeting_on=meeting_on,
        resolution=resolution,
    )
    return save_valid(procedure, update_fields=["decision"])
