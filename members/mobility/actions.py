"""Writes on mobility episodes: outflow registration, check-in, return. Atomic and audited.

Check-in locks the member's row (`select_for_update`), so of two secretaries checking in the same
member at the same moment exactly one succeeds and the other is told where the member went.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid, transition
from core.validators import normalize_phone
from members.access import (
    episode_update_fields,
    lock_for_change,
    require_end_episode,
    require_record,
    require_record_outside_check_in,
)
from members.certificates.actions import (
    close_inflow_part_on_move,
    fill_inflow_part_on_check_in,
    return_certificates_for_episode,
)
from members.models import (
    CURRENT_STATUSES,
    OPEN_STATUSES,
    ContactRecord,
    EpisodeStatus,
    EpisodeUpdate,
    EpisodeUpdateKind,
    FindingAttempt,
    Member,
    MobilityEpisode,
    OutsideCheckIn,
    RegularReport,
)
from members.models.mobility import OUTFLOW_FIELDS, UPDATE_FIELDS
from members.models.outside import OUTSIDE_CHECK_IN_FIELDS
from members.models.records import LogRecord
from members.sharing import sync_shares
from organizations.models import BRANCH_KINDS, Organization, Role, Trade
from organizations.notices import do_notify_organization
from organizations.scope import require_change


@action
def do_register_outflow(*, actor: User, member: Member, **fields: Any) -> MobilityEpisode:
    """The outflow report (外出流动报告登记), by the home branch, before the member leaves."""
    member = lock_for_change(
        actor, member, archived=_("An archived member cannot be registered as leaving.")
    )
    member.require_good_standing()
    current = (
        MobilityEpisode.objects.filter(member=member, status__in=CURRENT_STATUSES)
        .select_related("inflow_org")
        .first()
    )
    if current is not None and current.status == EpisodeStatus.LOST:
        assert current.lost_since is not None
        raise ValidationError(
            _(
                "%(name)s is away and lost contact (since %(since)s, last known at %(place)s): "
                "record finding them, or end that absence, before registering a new one."
            )
            % {
                "name": member.name,
                "since": current.lost_since.isoformat(),
                "place": member.last_known_place or current.destination,
            }
        )
    if current is not None:
        raise ValidationError(
            _("%(name)s is already registered as away (since %(date)s, to %(place)s).")
            % {
                "name": member.name,
                "date": current.out_date.isoformat(),
                "place": current.destination,
            }
        )
    unknown = set(fields) - set(OUTFLOW_FIELDS)
    if unknown:
        raise ValueError(f"not outflow fields: {sorted(unknown)}")
    episode = MobilityEpisode(
        member=member, home_org=member.home_org, registered_by=actor, **fields
    )
    refusal = episode.contact_member_refusal()
    if refusal:
        raise ValidationError({"contact_member": refusal})
    save_valid(episode)
    if episode.intended_org is not None:
        do_notify_organization(
            actor=actor,
            organization=episode.intended_org,
            title=_("%(name)s of %(home)s is coming to your area")
            % {"name": member.name, "home": member.home_org.name},
            body=_(
                "Registered leaving on %(date)s for %(place)s (%(employer)s). Please urge "
                "the member to check in."
            )
            % {
                "date": episode.out_date.isoformat(),
                "place": episode.destination,
                "employer": episode.employer or "—",
            },
        )
    mark_away(member, episode)
    return episode


def mark_away(member: Member, episode: MobilityEpisode) -> None:
    """The register's "mobile member" item and destination, kept by the episode actions."""
    member.is_mobile = True
    member.mobile_destination = episode.destination
    member.save(update_fields=["is_mobile", "mobile_destination", "updated_at"])


#: An episode's foreign keys: validated where they are chosen, not again at each step.
EPISODE_RELATIONS = (
    "member",
    "home_org",
    "intended_org",
    "inflow_org",
    "suggested_org",
    "checked_in_by",
    "contact_person",
    "contact_member",
    "trade",
    "registered_by",
)


def check_arrival_date(arrived_on: dt.date, out_date: dt.date, *, field: str) -> None:
    """A member arrives on or after leaving, and not in the future (a field error)."""
    if arrived_on < out_date:
        raise ValidationError(
            {
                field: _("The member left on %(date)s: the arrival comes after that.")
                % {"date": out_date.isoformat()}
            }
        )
    if arrived_on > timezone.localdate():
        raise ValidationError({field: _("The arrival cannot be in the future.")})


def already_checked_in_error(member: Member, episode: MobilityEpisode) -> ValidationError:
    assert episode.inflow_org is not None
    assert episode.checked_in_on is not None
    return ValidationError(
        _("%(name)s already checked in at %(org)s on %(date)s.")
        % {
            "name": member.name,
            "org": episode.inflow_org.name,
            "date": episode.checked_in_on.isoformat(),
        }
    )


def check_inflow_org(actor: User, inflow_org: Organization) -> None:
    require_change(actor, inflow_org)
    if inflow_org.kind not in BRANCH_KINDS or not inflow_org.is_active:
        raise ValidationError(
            _("Members check in with an active branch or check-in station, not a committee.")
        )


def routing_fields(
    actor: User, inflow_org: Organization, suggested_org: Organization | None, reason: str
) -> dict[str, Any]:
    """The episode's routing fields; taking the member in elsewhere than suggested needs a
    reason. The stored mode is the one the member is actually managed under (the taking
    organization's); the suggestion is kept beside it."""
    reason = reason.strip()
    if suggested_org is not None:
        require_change(actor, suggested_org)
    overridden = suggested_org is not None and suggested_org.pk != inflow_org.pk
    if overridden and not reason:
        assert suggested_org is not None
        raise ValidationError(
            {
                "routing_override_reason": _(
                    "The management mode suggests %(org)s: give the reason for choosing "
                    "another organization."
                )
                % {"org": suggested_org.name}
            }
        )
    return {
        "routing_mode": inflow_org.taking_mode,
        "suggested_org": suggested_org,
        "routing_override_reason": reason if overridden else "",
    }


def arriving_member(id_number: str, name: str, inflow_org: Organization, *, unknown: str) -> Member:
    """The arriving member (`Member.objects.arriving`), who must be from elsewhere; `unknown`
    says what to do when there is no such member."""
    found = Member.objects.arriving(id_number=id_number, name=name)
    if found is None:
        raise ValidationError(unknown)
    if found.home_org_id == inflow_org.pk:
        raise ValidationError(
            _("%(name)s belongs to %(org)s: a member checks in away from home.")
            % {"name": found.name, "org": inflow_org.name}
        )
    return found


@action
def do_check_in_member(
    *,
    actor: User,
    inflow_org: Organization,
    id_number: str,
    name: str,
    checked_in_on: dt.date,
    suggested_org: Organization | None = None,
    routing_override_reason: str = "",
    residence: str = "",
    employer: str = "",
    employer_sector: str = "",
    employer_has_party_org: bool | None = None,
    moving_on: bool = False,
    trade: Trade | None = None,
) -> MobilityEpisode:
    """Inflow check-in (流入报到): the arriving member reports to `inflow_org`.

    A member checked in elsewhere who has moved on checks in here with `moving_on` (the user
    says so: without it the check-in is refused naming where, so two desks checking in one
    member at once do not move them back and forth). The check-in there ends, its share goes,
    and the move is kept in the absence's history (`record_move`; Issue 9, item 4). A member
    lost while checked in elsewhere and found here moves on without saying so.

    `suggested_org` is the organization the management mode suggested (`members.routing`);
    taking the member in elsewhere needs `routing_override_reason`. What the inflow side learnt
    of the member (residence, employer, trade) fills what the outflow registration left empty.
    """
    check_inflow_org(actor, inflow_org)
    routing = routing_fields(actor, inflow_org, suggested_org, routing_override_reason)
    found = arriving_member(
        id_number,
        name,
        inflow_org,
        unknown=_(
            "No member with this ID-card number and name is registered. Check both, or "
            "register the member as found."
        ),
    )
    # The row lock serializes concurrent check-ins of the same member.
    member = Member.objects.select_for_update().get(pk=found.pk)
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .filter(member=member, status__in=[*OPEN_STATUSES, EpisodeStatus.LOST])
        .select_related("inflow_org", "home_org")
        .order_by("-out_date")
        .first()
    )
    if episode is None:
        raise ValidationError(
            _(
                "%(name)s has no outflow registration: ask their home branch (%(home)s) to "
                "register the outflow, or register the member as found."
            )
            % {"name": member.name, "home": found.home_org.name}
        )
    if episode.status == EpisodeStatus.CHECKED_IN and episode.inflow_org_id == inflow_org.pk:
        raise already_checked_in_error(member, episode)
    if episode.status == EpisodeStatus.CHECKED_IN and not moving_on:
        raise ValidationError(
            [
                already_checked_in_error(member, episode),
                ValidationError(
                    _(
                        "If the member has moved on from there, tick “The member has moved on” "
                        "and check them in again: the check-in there ends."
                    )
                ),
            ]
        )
    check_arrival_date(checked_in_on, episode.out_date, field="checked_in_on")
    # Checked in (or lost while checked in) elsewhere: the member moved on (Issue 9, item 4).
    left = episode.inflow_org if episode.inflow_org_id not in (None, inflow_org.pk) else None
    last_checked_in_on = episode.checked_in_on
    if left is not None:
        check_move_date(member, episode, checked_in_on)
    was_lost = episode.status == EpisodeStatus.LOST
    if episode.status != EpisodeStatus.CHECKED_IN:
        transition(episode, EpisodeStatus.CHECKED_IN)
    if was_lost:
        episode.lost_since = None
    episode.inflow_org = inflow_org
    episode.checked_in_on = checked_in_on
    episode.checked_in_by = actor
    for field, value in routing.items():
        setattr(episode, field, value)
    learnt: dict[str, Any] = {
        "destination_address": residence.strip(),
        "employer": employer.strip(),
        "employer_sector": employer_sector,
    }
    if employer_has_party_org:
        learnt["employer_has_party_org"] = True
    # What the inflow side learnt fills what the registration left empty; after a move it is
    # the member's new address and employer, and replaces the old.
    learnt_changes: list[dict[str, Any]] = []
    for field, value in learnt.items():
        old = getattr(episode, field)
        if value and value != old and (left is not None or not old):
            if left is not None:
                learnt_changes.append({"field": field, "from": old, "to": value})
            setattr(episode, field, value)
    if trade is not None and episode.trade_id is None:
        episode.trade = trade
    # The relations were just read and locked, and the dates checked above; the database holds
    # the constraints (checking each again would cost a query and a savepoint apiece).
    episode.full_clean(exclude=EPISODE_RELATIONS, validate_constraints=False)
    episode.save()
    if was_lost:
        _clear_lost(member)
    sync_shares(actor=actor, member=member)
    if left is None:
        do_notify_organization(
            actor=actor,
            organization=episode.home_org,
            title=_("%(name)s checked in at %(org)s")
            % {"name": member.name, "org": inflow_org.name},
            body=_("Checked in on %(date)s.") % {"date": checked_in_on.isoformat()},
            url=reverse("members:detail", args=[member.pk]),
        )
    else:
        changes: list[dict[str, Any]] = [
            {"field": "inflow_org", "from": left.name, "to": inflow_org.name},
            {
                "field": "checked_in_on",
                "from": _iso(last_checked_in_on),
                "to": checked_in_on.isoformat(),
            },
            *learnt_changes,
        ]
        record_move(actor=actor, episode=episode, member=member, left=left, changes=changes)
    fill_inflow_part_on_check_in(actor=actor, episode=episode)
    return episode


def check_move_date(member: Member, episode: MobilityEpisode, checked_in_on: dt.date) -> None:
    """Checking in at the next organization comes on or after checking in at the last one."""
    assert episode.inflow_org is not None
    assert episode.checked_in_on is not None
    if checked_in_on < episode.checked_in_on:
        raise ValidationError(
            {
                "checked_in_on": _(
                    "%(name)s checked in at %(org)s on %(date)s: checking in at the next "
                    "organization comes on or after that."
                )
                % {
                    "name": member.name,
                    "org": episode.inflow_org.name,
                    "date": episode.checked_in_on.isoformat(),
                }
            }
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def record_move(
    *,
    actor: User,
    episode: MobilityEpisode,
    member: Member,
    left: Organization,
    changes: list[dict[str, Any]],
) -> EpisodeUpdate:
    """The member moved on from `left` to the absence's new inflow organization (Issue 9,
    item 4; the 2019 education-management regulations: the inflow organization where the member
    lives and works manages them). Runs inside `do_check_in_member`, after the absence and the
    shares (`left` has lost its share): the move is an entry of the absence's history, the
    certificate's departure part is filled for `left`, and the home branch and both inflow
    organizations are told."""
    assert episode.inflow_org is not None
    assert episode.checked_in_on is not None
    update = save_valid(
        EpisodeUpdate(
            member=member,
            episode=episode,
            kind=EpisodeUpdateKind.MOVED,
            changed_on=episode.checked_in_on,
            changes=changes,
            recorded_by=actor,
        )
    )
    close_inflow_part_on_move(episode=episode, left=left, left_on=episode.checked_in_on)
    words = {
        "name": member.name,
        "from": left.name,
        "to": episode.inflow_org.name,
        "home": episode.home_org.name,
        "date": episode.checked_in_on.isoformat(),
    }
    body = _("%(name)s of %(home)s checked in at %(to)s on %(date)s, moving on from %(from)s.")
    for organization, title in (
        (episode.home_org, _("%(name)s moved from %(from)s to %(to)s")),
        (left, _("%(name)s moved on from %(from)s to %(to)s: no longer managed here")),
        (episode.inflow_org, _("%(name)s moved here from %(from)s")),
    ):
        do_notify_organization(
            actor=actor,
            organization=organization,
            title=title % words,
            body=body % words,
            url=reverse("members:detail", args=[member.pk]),
        )
    return update


def _stored(value: Any) -> Any:
    """A value as a history entry keeps it: a person by name, a text without spaces around."""
    if isinstance(value, User):
        return value.full_name or value.username
    if isinstance(value, str):
        return value.strip()
    return value


@action
def do_update_episode(
    *,
    actor: User,
    episode: MobilityEpisode,
    changed_on: dt.date,
    channel: str = "",
    note: str = "",
    **changes: Any,
) -> EpisodeUpdate:
    """A change the member reports while away (Issue 9, item 4; the 2019 education-management
    regulations: mobile members report changes of place to their party organization): the
    place, the employer, the phone or the address there, or the designated contact. The absence
    takes the new values and the change is kept as an entry of its history, shown on the
    mobility information card. The home side may change all of them, the inflow side what it
    learns where the member lives (`members.access.episode_update_fields`); the other side is
    told."""
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .select_related("member", "home_org", "inflow_org", "contact_person")
        .get(pk=episode.pk)
    )
    if not episode.is_current:
        raise ValidationError(_("This absence has ended: nothing more is changed on it."))
    allowed = episode_update_fields(actor, episode)
    if not allowed or set(changes) - set(allowed):
        raise PermissionDenied
    if changed_on < episode.out_date:
        raise ValidationError(
            {
                "changed_on": _("The member left on %(date)s: a change comes after that.")
                % {"date": episode.out_date.isoformat()}
            }
        )
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("A change cannot be in the future.")})
    contact = changes.get("contact_person")
    if contact is not None and not (
        contact.is_active
        and Role.objects.active().filter(user=contact, organization=episode.home_org).exists()
    ):
        raise ValidationError(
            {"contact_person": _("The designated contact is a staff member of the home branch.")}
        )
    diffs = []
    for field in UPDATE_FIELDS:
        if field not in changes:
            continue
        new, old = changes[field], getattr(episode, field)
        if isinstance(new, str):
            new = new.strip()
        if new == old:
            continue
        diffs.append({"field": field, "from": _stored(old), "to": _stored(new)})
        setattr(episode, field, new)
    if not diffs:
        raise ValidationError(_("Nothing has changed: change at least one item."))
    save_valid(episode)
    if any(d["field"].startswith("destination_") for d in diffs):
        mark_away(Member.objects.locked(episode.member), episode)
    update = save_valid(
        EpisodeUpdate(
            member=episode.member,
            episode=episode,
            kind=EpisodeUpdateKind.UPDATED,
            changed_on=changed_on,
            channel=channel,
            changes=diffs,
            note=note.strip(),
            recorded_by=actor,
        )
    )
    # The other side hears of it: the inflow organization of the home side's change, the home
    # branch of the inflow side's.
    told = episode.inflow_org if allowed == UPDATE_FIELDS else episode.home_org
    if told is not None:
        do_notify_organization(
            actor=actor,
            organization=told,
            title=_("%(name)s's particulars while away changed") % {"name": episode.member.name},
            body="; ".join(update.lines()),
            url=reverse("members:detail", args=[episode.member_id]),
        )
    return update


@action
def do_record_outside_check_in(
    *, actor: User, episode: MobilityEpisode, checked_in_on: dt.date, **fields: Any
) -> OutsideCheckIn:
    """A check-in outside the system (Issue 9, item 5): the member, away to a place whose party
    organization does not work in this deployment, reports to the home branch where they checked
    in (the 2019 education-management regulations: a member going out reports to the party
    organization where they go; the outflow organization keeps in touch), and the home branch
    records it with how it confirmed it. The member counts as checked in from then on.

    Recorded again when the member moves on to another organization outside the system (the
    audit trail keeps the earlier one). Nobody in the system is granted a share by it."""
    unknown = set(fields) - set(OUTSIDE_CHECK_IN_FIELDS)
    if unknown:
        raise ValueError(f"not outside check-in fields: {sorted(unknown)}")
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .select_related("home_org", "inflow_org", "member")
        .get(pk=episode.pk)
    )
    require_record_outside_check_in(actor, episode)
    member = episode.member
    if episode.status == EpisodeStatus.CHECKED_IN:
        raise already_checked_in_error(member, episode)
    if episode.status == EpisodeStatus.LOST:
        raise ValidationError(
            _("%(name)s lost contact: record the attempt that found them first.")
            % {"name": member.name}
        )
    if not episode.takes_outside_check_in:
        raise ValidationError(_("This absence has ended."))
    check_arrival_date(checked_in_on, episode.out_date, field="checked_in_on")
    record = OutsideCheckIn.objects.filter(episode=episode).first() or OutsideCheckIn(
        episode=episode
    )
    for field, value in fields.items():
        setattr(record, field, value.strip() if isinstance(value, str) else value)
    record.contact_phone = normalize_phone(record.contact_phone)
    record.checked_in_on = checked_in_on
    record.recorded_by = actor
    return save_valid(record)


@action
def do_end_episode(
    *, actor: User, episode: MobilityEpisode, status: str, ended_on: dt.date, note: str = ""
) -> MobilityEpisode:
    """The member returned (回流): the absence ends, and the inflow organization loses its
    access to the member. The home side decides.

    Only a return ends an absence here. A lost member is marked lost (`do_mark_member_lost`);
    a transferred relationship ends the absence only when the receiving side receives the
    transfer (`transfers.actions.do_receive_transfer`, through `end_episode`), never by the
    home side saying so (Issue 9, item 9)."""
    if status != EpisodeStatus.RETURNED:
        raise ValidationError(
            {
                "status": _(
                    "An absence ends here only with the member's return. A relationship is "
                    "transferred by a transfer letter, which ends the absence when it is "
                    "received; a member out of contact is marked as lost."
                )
            }
        )
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .select_related("home_org", "inflow_org", "member")
        .get(pk=episode.pk)
    )
    require_end_episode(actor, episode)
    return end_episode(actor=actor, episode=episode, status=status, ended_on=ended_on, note=note)


def end_episode(
    *, actor: User | None, episode: MobilityEpisode, status: str, ended_on: dt.date, note: str = ""
) -> MobilityEpisode:
    """End a locked current episode (open or lost), whoever's action it is part of: the home
    side's `do_end_episode`, or the receiving side's receipt of a transfer. The member is back
    in view (no longer lost), their certificates are handed back, and shares are re-derived."""
    if status not in (EpisodeStatus.RETURNED, EpisodeStatus.TRANSFERRED):
        raise ValueError(f"{status} does not end an episode")
    was_lost = episode.status == EpisodeStatus.LOST
    transition(episode, status)
    episode.ended_on = ended_on
    episode.end_note = note
    save_valid(episode)
    return_certificates_for_episode(episode=episode, ended_on=ended_on)
    member = Member.objects.select_for_update().get(pk=episode.member_id)
    if was_lost:
        _clear_lost(member)
    member.is_mobile = False
    member.mobile_destination = ""
    member.save(update_fields=["is_mobile", "mobile_destination", "updated_at"])
    sync_shares(actor=actor, member=member)
    return episode


def _clear_lost(member: Member) -> None:
    """The member is reached again: off the whereabouts-unknown list."""
    member.lost_contact = False
    member.lost_contact_since = None
    member.last_known_place = ""
    member.save(update_fields=["lost_contact", "lost_contact_since", "last_known_place"])


L = TypeVar("L", bound=LogRecord)


def add_to_log(
    model: type[L],
    actor: User,
    member: Member,
    on: dt.date,
    channel: str,
    text: str,
    future: str,
    **extra: Any,
) -> L:
    """A line of one of the member's logs (contacts, finding attempts, reports), dated `on`,
    which may not be in the future (`future` says so). Runs inside the recording action."""
    if on > timezone.localdate():
        raise ValidationError({model.DATE_FIELD: future})
    fields = {model.DATE_FIELD: on, model.TEXT_FIELD: text.strip(), model.BY_FIELD: actor}
    return save_valid(model(member=member, channel=channel, **fields, **extra))


@action
def do_record_contact(
    *, actor: User, member: Member, contacted_on: dt.date, channel: str, summary: str
) -> ContactRecord:
    """A contact with the member, for the pairing card: the home side or the inflow side."""
    require_record(actor, member)
    future = _("A contact cannot be in the future.")
    return add_to_log(ContactRecord, actor, member, contacted_on, channel, summary, future)


#: The member's fields that say contact is lost; finding the member clears them together.
LOST_FIELDS = ["lost_contact", "lost_contact_since", "last_known_place", "updated_at"]


@action
def do_mark_member_lost(
    *, actor: User, member: Member, since: dt.date, last_known_place: str = ""
) -> Member:
    """Put the member on the whereabouts-unknown list (失联): the home side decides.

    A member lost while away takes their absence with them: the current episode becomes
    "lost" with the same date. The inflow organization keeps its share of the member, since it
    is often the one that can find them.
    """
    member = lock_for_change(
        actor, member, archived=_("An archived member cannot be marked as lost contact.")
    )
    if member.lost_contact:
        assert member.lost_contact_since is not None
        raise ValidationError(
            _("%(name)s is already on the whereabouts-unknown list (since %(date)s).")
            % {"name": member.name, "date": member.lost_contact_since.isoformat()}
        )
    if since > timezone.localdate():
        raise ValidationError({"since": _("Contact cannot be lost in the future.")})
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .filter(member=member, status__in=OPEN_STATUSES)
        .first()
    )
    if episode is not None and since < episode.out_date:
        raise ValidationError(
            {
                "since": _(
                    "The member left on %(date)s: contact while away cannot be lost before that."
                )
                % {"date": episode.out_date.isoformat()}
            }
        )
    member.lost_contact = True
    member.lost_contact_since = since
    member.last_known_place = last_known_place.strip()
    save_valid(member, update_fields=LOST_FIELDS)
    if episode is not None:
        transition(episode, EpisodeStatus.LOST)
        episode.lost_since = since
        save_valid(episode, update_fields=["status", "lost_since", "updated_at"])
    return member


@action
def do_record_finding_attempt(
    *,
    actor: User,
    member: Member,
    attempted_on: dt.date,
    channel: str,
    result: str,
    found: bool,
) -> FindingAttempt:
    """An attempt to find a lost member, by the home side or the inflow side; finding them
    takes them off the whereabouts-unknown list."""
    require_record(actor, member)
    member = Member.objects.locked(member)
    if not member.lost_contact:
        raise ValidationError(
            _("%(name)s is not lost: there is no one to find.") % {"name": member.name}
        )
    assert member.lost_contact_since is not None
    if attempted_on < member.lost_contact_since:
        raise ValidationError(
            {
                "attempted_on": _("Contact was lost on %(date)s: an attempt comes after that.")
                % {"date": member.lost_contact_since.isoformat()}
            }
        )
    future = _("An attempt cannot be in the future.")
    attempt = add_to_log(
        FindingAttempt, actor, member, attempted_on, channel, result, future, found=found
    )
    if found:
        member.lost_contact = False
        member.lost_contact_since = None
        member.last_known_place = ""
        save_valid(member, update_fields=LOST_FIELDS)
        # The absence goes on where it stood: checked in if an organization had taken the
        # member in (it kept its share while they were lost), registered otherwise.
        episode = (
            MobilityEpisode.objects.select_for_update(of=("self",))
            .filter(member=member, status=EpisodeStatus.LOST)
            .first()
        )
        if episode is not None:
            back = (
                EpisodeStatus.CHECKED_IN
                if episode.inflow_org_id is not None
                else EpisodeStatus.REGISTERED
            )
            transition(episode, back)
            episode.lost_since = None
            save_valid(episode, update_fields=["status", "lost_since", "updated_at"])
    return attempt


@action
def do_record_report(
    *, actor: User, member: Member, reported_on: dt.date, channel: str, summary: str
) -> RegularReport:
    """A regular report received from the member (定期汇报), by the home branch."""
    member = Member.objects.select_related("home_org").get(pk=member.pk)
    require_change(actor, member.home_org)
    future = _("A report cannot be in the future.")
    return add_to_log(RegularReport, actor, member, reported_on, channel, summary, future)
