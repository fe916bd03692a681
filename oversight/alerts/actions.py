"""What people do to an alert: acknowledge it, resolve it, dismiss it with a reason.

Who may (`may_act`): the changers of the organization responsible for it, or, for an alert
about a member, the member's home side (who answers for the member wherever the member is).
Each move goes through `Alert.TRANSITIONS` and is audited as an event ("alert.acknowledged",
"alert.resolved", "alert.dismissed"): Alert is not registered with auditlog, because the
nightly run opens, updates and closes alerts in bulk statements no signal sees (its counts are
the run log); an event per person's move names who did what and why, which is what the audit
trail is for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t

from core.actions import action
from core.models import User, record_event, save_valid, transition
from core.scoping import Action
from core.types import AnyUser
from organizations.scope import user_scope
from oversight.models import Alert, AlertStatus


def may_act(user: AnyUser, alert: Alert) -> bool:
    """The responsible organization's changers, or the member's home side. `alert` is read
    with its organization and its member's home organization (`AlertQuerySet.for_list`)."""
    scope = user_scope(user)
    if scope.covers(alert.organization.path, Action.CHANGE):
        return True
    member = alert.member
    return member is not None and scope.covers(member.home_org.path, Action.CHANGE)


def _locked(alert: Alert, actor: User) -> Alert:
    """The alert's row locked for the move, with what `may_act` reads; 403 unless the actor
    may act on it."""
    locked: Alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("organization", "member__home_org")
        .get(pk=alert.pk)
    )
    if not may_act(actor, locked):
        raise PermissionDenied
    return locked


def _save(alert: Alert, fields: list[str]) -> None:
    """`save_valid`, saving only what people change (the row is locked: the run waits for
    the action)."""
    save_valid(alert, update_fields=[*fields, "status", "updated_at"])


def _event(alert: Alert, actor: User, event: str, previous: str, **more: object) -> None:
    record_event(
        actor=actor,
        instance=alert,
        event=event,
        details={
            "rule": alert.rule,
            "member": alert.member_id,
            "status": [previous, alert.status],
            "reason": alert.close_reason,
            **more,
        },
        org_path=alert.organization.path,
    )


def acknowledge(alert: Alert, actor: User, **more: object) -> Alert:
    """Acknowledge `alert` for `actor` and record the event (with `more` in its details).
    Runs inside an action that has locked the alert and checked who may."""
    previous = transition(alert, AlertStatus.ACKNOWLEDGED)
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    _save(alert, ["acknowledged_at", "acknowledged_by"])
    _event(alert, actor, "alert.acknowledged", previous, **more)
    return alert


@action
def do_acknowledge_alert(*, alert: Alert, actor: User) -> Alert:
    """Someone responsible has seen the alert and is dealing with it."""
    return acknowledge(_locked(alert, actor), actor)


def _close(alert: Alert, actor: User, status: str, reason: str) -> Alert:
    previous = transition(alert, status)
    now = timezone.now()
    alert.closed_at = now
    alert.closed_on = timezone.localdate(now)
    alert.closed_by = actor
    alert.close_reason = reason
    _save(alert, ["closed_at", "closed_on", "closed_by", "close_reason"])
    _event(alert, actor, f"alert.{status}", previous)
    return alert


@action
def do_resolve_alert(*, alert: Alert, reason: str = "", actor: User) -> Alert:
    """The breach was dealt with. If the nightly run still finds it in the same period, the
    alert opens again (the run reopens resolved alerts, never dismissed ones)."""
    return _close(_locked(alert, actor), actor, AlertStatus.RESOLVED, reason.strip())


@action
def do_dismiss_alert(*, alert: Alert, reason: str, actor: User) -> Alert:
    """Not a breach to act on (a proper reason the rule cannot know): it stays dismissed for
    its period, whatever the nightly run finds. The reason is required."""
    locked = _locked(alert, actor)
    if not reason.strip():
        raise ValidationError({"reason": _t("Say why the alert is dismissed.")})
    return _close(locked, actor, AlertStatus.DISMISSED, reason.strip())
