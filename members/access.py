"""Who may do what with a member: the one place actions, views and templates ask.

Seeing a member is the queryset's business (`Member.objects.visible_to`); the rules here are the
finer ones the pages and the actions share: changing a member (the home side), recording life on
a shared member, revealing the full ID-card number, ending an absence. (Where a user may check
members in is `Organization.objects.check_in_points`; a certificate says itself which of its
parts are open.) An action calls the
`require_*` form (403 inside its transaction); a view or template asks the boolean form to decide
what to offer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from core.models import User
from core.scoping import Action
from members.models import (
    Certificate,
    DecisionStatus,
    EpisodeStatus,
    Member,
    MobilityEpisode,
    StandingDecision,
)
from members.models.mobility import UPDATE_FIELDS
from organizations.scope import require_change, user_scope


def require_record(actor: User, member: Member) -> None:
    """Refuse (403) unless `actor` may record the member's life (`may_record`)."""
    if not may_record(actor, member):
        raise PermissionDenied


def may_reveal_id_number(actor: User, member: Member) -> bool:
    """Only the home side's staff (not inspectors, not organizations it is shared with)."""
    return may_change(actor, member)


def may_change(user: User, member: Member) -> bool:
    """The home side (changers over the member's branch): identity, handling, the absence,
    certificates. Never granted by a share."""
    return user_scope(user).covers(member.home_org.path, Action.CHANGE)


def may_record(user: User, member: Member) -> bool:
    """The home side's changers, or those of an organization the member is shared with:
    contacts, finding attempts, the certificate's inflow and departure parts."""
    return Member.objects.visible_to(user, Action.RECORD).filter(pk=member.pk).exists()


def may_check_certificate(user: User, certificate: Certificate) -> bool:
    """The yearly check (年审) of an activity certificate: the home side, or the changers of the
    inflow organization the member is checked in with, where they take part in organizational
    life (Issue 9, item 7). `certificate.episode` and its inflow organization are read from
    the certificate's row (select them with it)."""
    if may_change(user, certificate.member):
        return True
    episode = certificate.episode
    return (
        episode is not None
        and episode.status == EpisodeStatus.CHECKED_IN
        and episode.inflow_org is not None
        and user_scope(user).covers(episode.inflow_org.path, Action.CHANGE)
    )


def require_check_certificate(user: User, certificate: Certificate) -> None:
    if not may_check_certificate(user, certificate):
        raise PermissionDenied


def require_end_episode(user: User, episode: MobilityEpisode) -> None:
    """Refuse (403) unless `user` works for the branch the member left from: the inflow side
    records on an absence, but only the home side ends it (return, transfer)."""
    require_change(user, episode.home_org)


#: What the inflow organization may update on an absence checked in with it: what it learns
#: where the member lives and works (address, employer, phone there). The place (province,
#: city, county) and the designated contact are the home side's: the outflow registration and
#: the pairing belong to the branch the member left (a member who moves on to another place
#: checks in there). Issue 9, item 4.
INFLOW_UPDATE_FIELDS = (
    "destination_address",
    "employer",
    "employer_has_party_org",
    "employer_sector",
    "phone_there",
)


def episode_update_fields(user: User, episode: MobilityEpisode) -> tuple[str, ...]:
    """The fields of a current absence `user` may update (none: may not update it): the home
    side all of `UPDATE_FIELDS`, the inflow organization it is checked in with (or was, when
    the member got lost there) `INFLOW_UPDATE_FIELDS`. An ended absence changes no more."""
    if not episode.is_current:
        return ()
    scope = user_scope(user)
    if scope.covers(episode.home_org.path, Action.CHANGE):
        return UPDATE_FIELDS
    inflow = episode.inflow_org
    if (
        inflow is not None
        and episode.status in (EpisodeStatus.CHECKED_IN, EpisodeStatus.LOST)
        and scope.covers(inflow.path, Action.CHANGE)
    ):
        return INFLOW_UPDATE_FIELDS
    return ()


def require_update_episode(user: User, episode: MobilityEpisode) -> None:
    """Refuse (403) unless `user` may update some field of the absence."""
    if not episode_update_fields(user, episode):
        raise PermissionDenied


def require_record_outside_check_in(user: User, episode: MobilityEpisode) -> None:
    """Refuse (403) unless `user` works for the branch the member left from: a check-in outside
    the system is reported to the home branch, which records it; no organization of the system
    takes the member in (Issue 9, item 5)."""
    require_change(user, episode.home_org)


def lock_for_change(actor: User, member: Member, *, archived: str = "") -> Member:
    """The member, locked for the home side's action about to change them (403 for anyone
    else); with `archived`, the words refusing an archived member."""
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    if archived and member.is_archived:
        raise ValidationError(archived)
    return member


def may_answer_decision(user: User, decision: StandingDecision) -> bool:
    """The superior committee (changers over the committee the decision went to) approves or
    rejects a standing decision; never the branch that proposed it (issue 9, item 2)."""
    return user_scope(user).covers(decision.committee.path, Action.CHANGE)


def may_propose_decision(user: User, member: Member) -> bool:
    """The home side proposes decisions on a member's standing."""
    return may_change(user, member) and not member.is_archived


def may_withdraw_decision(user: User, decision: StandingDecision) -> bool:
    return decision.status == DecisionStatus.PROPOSED and may_change(user, decision.member)


def require_answer_decision(user: User, decision: StandingDecision) -> None:
    if not may_answer_decision(user, decision):
        raise PermissionDenied
