"""Handlings as the tests and the demo make them: through the actions, never by hand."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import User
from members.models import Member
from members.standing.actions import do_approve_standing_decision
from oversight.handling.actions import (
    do_procedure_decision,
    do_record_handling,
    do_start_procedure,
)
from oversight.models import Alert, Handling

TALK_NOTE = "与本人谈心谈话，了解其外出务工情况，提醒按时参加组织生活、交纳党费。"
FINDINGS = "经调查核实，该同志连续六个月不参加党的组织生活、不交纳党费，无正当理由。"
RESOLUTION = "党支部大会表决通过（应到15人，实到13人，同意13人），予以除名。"


def record_handling(
    member: Member,
    kind: str,
    *,
    actor: User,
    on: dt.date | None = None,
    note: str = TALK_NOTE,
    correct_by: dt.date | None = None,
    alert: Alert | None = None,
) -> Handling:
    """A line of the card of `kind` on `on` (today unless given)."""
    return do_record_handling(
        actor=actor,
        member=member,
        kind=kind,
        handled_on=on or timezone.localdate(),
        note=note,
        correct_by=correct_by,
        alert=alert,
    )


def procedure_to_decision(
    member: Member,
    *,
    actor: User,
    on: dt.date | None = None,
    approver: User | None = None,
    alert: Alert | None = None,
    findings: str = FINDINGS,
) -> Handling:
    """The six-month rule procedure carried to the branch general meeting's 除名 decision, all
    on `on` (today unless given): facts checked and the member told, the meeting resolved, the
    decision proposed; with `approver` (the superior committee), approved the same day."""
    on = on or timezone.localdate()
    procedure = do_start_procedure(
        actor=actor, member=member, handled_on=on, note=findings, informed_on=on, alert=alert
    )
    procedure = do_procedure_decision(
        actor=actor, procedure=procedure, meeting_on=on, resolution=RESOLUTION
    )
    if approver is not None:
        decision = procedure.decision
        assert decision is not None  # do_procedure_decision proposed it
        procedure.decision = do_approve_standing_decision(
            actor=approver, decision=decision, decided_on=on, answer="批复文号：组字[2026]2号"
        )
    return procedure
