"""Decisions on party standing: the branch proposes, the superior committee answers, and only an
approval changes the member (issue 9, item 2).

The party constitution (articles 9, 40 and 41) and the 2014 opinions on members who lost contact
give the order: the branch general meeting discusses and resolves, the superior committee
approves. A decision's approval date is the date of the member's new standing
(`Member.standing_since`): the suspension's two-year clock starts there.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid, transition
from members.access import lock_for_change, require_answer_decision
from members.models import DecisionStatus, Member, StandingDecision
from organizations.notices import do_notify_organization


def _refuse_unless_possible(member: Member, decision: StandingDecision) -> None:
    """The decision's kind must apply to the member's current standing."""
    if member.standing not in decision.allowed_from:
        raise ValidationError(
            {
                "kind": _("%(name)s's party standing is “%(standing)s”: “%(kind)s” does not apply.")
                % {
                    "name": member.name,
                    "standing": member.get_standing_display(),
                    "kind": decision.get_kind_display(),
                }
            }
        )


@action
def do_propose_standing_decision(
    *,
    actor: User,
    member: Member,
    kind: str,
    grounds: str,
    meeting_on: dt.date | None = None,
    resolution: str = "",
    documents: str = "",
) -> StandingDecision:
    """The home branch asks its superior committee to approve a decision on `member`."""
    member = lock_for_change(
        actor, member, archived=_("An archived member's standing is not decided here.")
    )
    committee = member.home_org.committee_above()
    if committee is None:
        raise ValidationError(_("The branch has no committee above it to approve the decision."))
    decision = StandingDecision(
        member=member,
        kind=kind,
        grounds=grounds.strip(),
        meeting_on=meeting_on,
        resolution=resolution.strip(),
        documents=documents.strip(),
        proposed_by=actor,
        committee=committee,
    )
    _refuse_unless_possible(member, decision)
    errors: dict[str, str] = {}
    if decision.needs_meeting and meeting_on is None:
        errors["meeting_on"] = _(
            "This decision needs the branch general meeting: enter the date it was held."
        )
    if decision.needs_meeting and not decision.resolution:
        errors["resolution"] = _("Enter what the branch general meeting resolved.")
    if meeting_on is not None and meeting_on > timezone.localdate():
        errors["meeting_on"] = _("The meeting cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if StandingDecision.objects.filter(member=member).pending().exists():
        raise ValidationError(
            _("A decision on %(name)s is already awaiting approval.") % {"name": member.name}
        )
    save_valid(decision)
    do_notify_organization(
        actor=actor,
        organization=committee,
        title=_("%(branch)s asks approval: %(kind)s for %(name)s")
        % {
            "branch": member.home_org.name,
            "kind": decision.get_kind_display(),
            "name": member.name,
        },
        url=reverse("members:standing_decision", args=[decision.pk]),
    )
    return decision


def _lock(decision: StandingDecision) -> StandingDecision:
    locked: StandingDecision = (
        StandingDecision.objects.select_for_update(of=("self",))
        .select_related("member__home_org", "committee")
        .get(pk=decision.pk)
    )
    return locked


def _answer(
    actor: User, decision: StandingDecision, status: str, decided_on: dt.date, answer: str
) -> StandingDecision:
    decision = _lock(decision)
    require_answer_decision(actor, decision)
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The date cannot be in the future.")})
    if decision.meeting_on is not None and decided_on < decision.meeting_on:
        raise ValidationError(
            {"decided_on": _("The approval cannot be before the branch general meeting.")}
        )
    transition(decision, status)
    decision.decided_on = decided_on
    decision.decided_by = actor
    decision.answer = answer.strip()
    return save_valid(decision)


@action
def do_approve_standing_decision(
    *, actor: User, decision: StandingDecision, decided_on: dt.date, answer: str = ""
) -> StandingDecision:
    """The superior committee approves: the member's standing changes, from the approval's
    date. The branch is told."""
    decision = _answer(actor, decision, DecisionStatus.APPROVED, decided_on, answer)
    member = Member.objects.locked(decision.member)
    _refuse_unless_possible(member, decision)
    member.standing = decision.standing_after
    member.standing_since = decided_on
    save_valid(member, update_fields=["standing", "standing_since", "updated_at"])
    _tell_branch(actor, decision, _("%(kind)s for %(name)s approved"))
    return decision


@action
def do_reject_standing_decision(
    *, actor: User, decision: StandingDecision, decided_on: dt.date, answer: str
) -> StandingDecision:
    """The superior committee does not approve (it says why); the member is unchanged."""
    if not answer.strip():
        raise ValidationError({"answer": _("Say why the decision is not approved.")})
    decision = _answer(actor, decision, DecisionStatus.REJECTED, decided_on, answer)
    _tell_branch(actor, decision, _("%(kind)s for %(name)s not approved"))
    return decision


@action
def do_withdraw_standing_decision(*, actor: User, decision: StandingDecision) -> StandingDecision:
    """The branch takes back a proposal the committee has not answered."""
    decision = _lock(decision)
    lock_for_change(actor, decision.member)
    transition(decision, DecisionStatus.WITHDRAWN)
    return save_valid(decision)


def _tell_branch(actor: User, decision: StandingDecision, title: str) -> None:
    do_notify_organization(
        actor=actor,
        organization=decision.member.home_org,
        title=title % {"kind": decision.get_kind_display(), "name": decision.member.name},
        body=decision.answer,
        url=reverse("members:standing_decision", args=[decision.pk]),
    )
