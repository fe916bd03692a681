"""What the branch records for the six-month rule: proper reasons (正当理由) and assigned work
(分配的工作). The home side only (change scope over the member's branch: `members.access`);
atomic and audited like every action; bad input is refused with a reason in Chinese before
anything is written. Nothing is deleted: a proper reason is revoked, a work voided, each with
a reason."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid
from members.access import lock_for_change
from members.models import Member
from oversight.models import Condition, Exemption, WorkAssignment


def _archived() -> str:
    return _("An archived member is no longer checked by the six-month rule.")


def _required(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    return value


@action
def do_record_exemption(
    *,
    actor: User,
    member: Member,
    condition: str,
    reason: str,
    note: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Exemption:
    """A proper reason for `member` from `starts_on` to `ends_on` on `condition` (one of the
    three, or all): the six-month rule does not count the silence while it runs."""
    member = lock_for_change(actor, member, archived=_archived())
    if condition not in Condition.values:
        raise ValidationError({"condition": _("Choose one of the conditions.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    return save_valid(
        Exemption(
            member=member,
            condition=condition,
            reason=reason,
            note=_required(note, "note"),
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
        )
    )


def _locked_exemption(exemption: Exemption) -> Exemption:
    locked: Exemption = (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("member__home_org")
        .get(pk=exemption.pk)
    )
    return locked


@action
def do_revoke_exemption(*, actor: User, exemption: Exemption, reason: str) -> Exemption:
    """Revoke a proper reason recorded by mistake or no longer true; kept on file."""
    exemption = _locked_exemption(exemption)
    lock_for_change(actor, exemption.member)
    if exemption.revoked_at is not None:
        raise ValidationError(_("This proper reason was already revoked."))
    exemption.revoke_reason = _required(reason, "revoke_reason")
    exemption.revoked_at = timezone.now()
    return save_valid(exemption, update_fields=["revoked_at", "revoke_reason"])


@action
def do_assign_work(
    *,
    actor: User,
    member: Member,
    task: str,
    assigned_on: dt.date,
    due_on: dt.date | None = None,
) -> WorkAssignment:
    """The member's branch assigns `member` work (a task, a post, a duty), due by `due_on` if
    given: the record the third condition of the six-month rule reads."""
    member = lock_for_change(actor, member, archived=_archived())
    if due_on is not None and due_on < assigned_on:
        raise ValidationError({"due_on": _("The work cannot be due before it was assigned.")})
    return save_valid(
        WorkAssignment(
            member=member,
            organization=member.home_org,
            task=_required(task, "task"),
            assigned_on=assigned_on,
            due_on=due_on,
            recorded_by=actor,
        )
    )


def _locked_work(work: WorkAssignment) -> WorkAssignment:
    locked: WorkAssignment = (
        WorkAssignment.objects.select_for_update(of=("self",))
        .select_related("member__home_org")
        .get(pk=work.pk)
    )
    return locked


def _still_open(work: WorkAssignment) -> None:
    if work.voided_at is not None:
        raise ValidationError(_("This work was voided."))
    if work.done_on is not None:
        raise ValidationError(_("This work is already recorded as done."))


@action
def do_record_work_done(
    *, actor: User, work: WorkAssignment, done_on: dt.date, outcome: str = ""
) -> WorkAssignment:
    """The member did the work on `done_on`."""
    work = _locked_work(work)
    lock_for_change(actor, work.member)
    _still_open(work)
    if done_on < work.assigned_on:
        raise ValidationError(
            {
                "done_on": _("The work cannot be done before it was assigned (%(day)s).")
                % {"day": work.assigned_on.isoformat()}
            }
        )
    work.done_on = done_on
    work.outcome = outcome.strip()
    return save_valid(work, update_fields=["done_on", "outcome"])


@action
def do_void_work(*, actor: User, work: WorkAssignment, reason: str) -> WorkAssignment:
    """Void work recorded by mistake (or withdrawn): it no longer counts; kept on file."""
    work = _locked_work(work)
    lock_for_change(actor, work.member)
    if work.voided_at is not None:
        raise ValidationError(_("This work was voided."))
    work.void_reason = _required(reason, "void_reason")
    work.voided_at = timezone.now()
    return save_valid(work, update_fields=["voided_at", "void_reason"])
