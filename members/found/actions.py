"""Writes on found members (找到的党员): members who arrived without an outflow registration.

In the system without a current absence → a found episode, checked in from the start; not in the
system → a found arrival, kept by the inflow side until the home organization is reached, then
matched. Atomic and audited, like every action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid, transition
from core.validators import normalize_id_number
from members.certificates.actions import (
    fill_inflow_part_on_check_in,
)
from members.mobility.actions import (
    already_checked_in_error,
    arriving_member,
    check_inflow_org,
    do_check_in_member,
    mark_away,
    routing_fields,
)
from members.models import (
    CURRENT_STATUSES,
    ArrivalStatus,
    EpisodeOrigin,
    EpisodeStatus,
    FoundArrival,
    Member,
    MobilityEpisode,
    OccupationCategory,
)
from members.sharing import sync_shares
from organizations.models import Organization, Trade
from organizations.notices import do_notify_organization
from organizations.scope import require_change


def _refuse_current_episode(member: Member) -> None:
    """A member who is already away (registered, checked in or lost) is checked in, not found."""
    current = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .filter(member=member, status__in=CURRENT_STATUSES)
        .select_related("inflow_org")
        .first()
    )
    if current is None:
        return
    if current.status == EpisodeStatus.CHECKED_IN:
        raise already_checked_in_error(member, current)
    raise ValidationError(
        _(
            "%(name)s's home branch registered the outflow (left on %(date)s for %(place)s): "
            "check the member in instead."
        )
        % {"name": member.name, "date": current.out_date.isoformat(), "place": current.destination}
    )


@action
def do_register_found_member(
    *,
    actor: User,
    inflow_org: Organization,
    id_number: str,
    name: str,
    arrived_on: dt.date,
    destination_province: str,
    destination_county: str,
    destination_city: str = "",
    residence: str = "",
    left_on: dt.date | None = None,
    employer: str = "",
    employer_has_party_org: bool = False,
    employer_sector: str = "",
    occupation: str = "",
    reason: str = "",
    phone_there: str = "",
    suggested_org: Organization | None = None,
    routing_override_reason: str = "",
    trade: Trade | None = None,
) -> MobilityEpisode:
    """A member of the system who arrived without an outflow registration (a "found" member):
    the inflow side deliberately registers them, and the episode begins checked in.

    The episode belongs to the member's home branch like any other (it may end it), the member
    is shared with `inflow_org` as at check-in, and the home branch is told that its member was
    found here without an outflow registration.
    """
    check_inflow_org(actor, inflow_org)
    routing = routing_fields(actor, inflow_org, suggested_org, routing_override_reason)
    if arrived_on > timezone.localdate():
        raise ValidationError({"arrived_on": _("The arrival cannot be in the future.")})
    if left_on is not None and left_on > arrived_on:
        raise ValidationError(
            {"left_on": _("The member cannot have left home after arriving here.")}
        )
    found = arriving_member(
        id_number,
        name,
        inflow_org,
        unknown=_(
            "No member with this ID-card number and name is in the system. If their home "
            "organization does not work in the system, record them as found outside it."
        ),
    )
    member = Member.objects.locked(found)
    _refuse_current_episode(member)
    episode = MobilityEpisode(
        member=member,
        home_org=member.home_org,
        origin=EpisodeOrigin.FOUND,
        status=EpisodeStatus.CHECKED_IN,
        out_date=left_on or arrived_on,
        destination_province=destination_province.strip(),
        destination_city=destination_city.strip(),
        destination_county=destination_county.strip(),
        destination_address=residence.strip(),
        employer=employer.strip(),
        employer_has_party_org=employer_has_party_org,
        employer_sector=employer_sector,
        trade=trade,
        occupation=occupation or OccupationCategory.OTHER,
        reason=reason.strip() or _("Left without an outflow registration"),
        phone_there=phone_there,
        inflow_org=inflow_org,
        checked_in_on=arrived_on,
        checked_in_by=actor,
        registered_by=actor,
        **routing,
    )
    save_valid(episode)
    mark_away(member, episode)
    sync_shares(actor=actor, member=member)
    do_notify_organization(
        actor=actor,
        organization=member.home_org,
        title=_("%(name)s was found at %(org)s without an outflow registration")
        % {"name": member.name, "org": inflow_org.name},
        body=_(
            "%(org)s took the member in on %(date)s (%(place)s). No outflow had been "
            "registered: please check the record and keep in touch with the member."
        )
        % {
            "org": inflow_org.name,
            "date": arrived_on.isoformat(),
            "place": episode.destination,
        },
        url=reverse("members:detail", args=[member.pk]),
    )
    fill_inflow_part_on_check_in(actor=actor, episode=episode)
    return episode


def _refuse_open_arrival(id_number: str) -> None:
    existing = (
        FoundArrival.objects.select_for_update(of=("self",))
        .filter(id_number=id_number, status=ArrivalStatus.OPEN)
        .select_related("inflow_org")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "id_number": _("This person is already recorded as found, by %(org)s on %(date)s.")
                % {"org": existing.inflow_org.name, "date": existing.arrived_on.isoformat()}
            }
        )


@action
def do_record_found_arrival(
    *,
    actor: User,
    inflow_org: Organization,
    id_number: str,
    name: str,
    claimed_home_org: str,
    arrived_on: dt.date,
    phone: str = "",
    residence: str = "",
    employer: str = "",
) -> FoundArrival:
    """A party member who arrived with no outflow record and whose ID-card number is not in the
    system (their home organization does not work in it): kept by the inflow side until the
    home organization is reached."""
    check_inflow_org(actor, inflow_org)
    id_number = normalize_id_number(id_number)
    if arrived_on > timezone.localdate():
        raise ValidationError({"arrived_on": _("The arrival cannot be in the future.")})
    # Only the member with exactly this number and name, whom check-in finds too, is refused:
    # a registered number with another name is answered as an unknown one, as check-in does,
    # so that the form tells nobody which numbers are registered (issue 9, item 21).
    if Member.objects.arriving(id_number=id_number, name=name) is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "A member with this ID-card number and name is in the system: check the "
                    "member in, or register them as found."
                )
            }
        )
    _refuse_open_arrival(id_number)
    arrival = FoundArrival(
        id_number=id_number,
        name=name.strip(),
        phone=phone,
        claimed_home_org=claimed_home_org.strip(),
        inflow_org=inflow_org,
        arrived_on=arrived_on,
        residence=residence.strip(),
        employer=employer.strip(),
        recorded_by=actor,
    )
    return save_valid(arrival)


def _lock_open_arrival(actor: User, arrival: FoundArrival) -> FoundArrival:
    arrival = (
        FoundArrival.objects.select_for_update(of=("self",))
        .select_related("inflow_org")
        .get(pk=arrival.pk)
    )
    require_change(actor, arrival.inflow_org)
    if arrival.status != ArrivalStatus.OPEN:
        raise ValidationError(
            _("This found person is already %(status)s.")
            % {"status": arrival.get_status_display().lower()}
        )
    return arrival


@action
def do_close_found_arrival(*, actor: User, arrival: FoundArrival, note: str) -> FoundArrival:
    """Close a found person's record without a match (they moved on, or were not a member)."""
    arrival = _lock_open_arrival(actor, arrival)
    if not note.strip():
        raise ValidationError({"note": _("Say why the record is closed.")})
    transition(arrival, ArrivalStatus.CLOSED)
    arrival.note = note.strip()
    return save_valid(arrival)


@action
def do_match_found_arrival(
    *,
    actor: User,
    arrival: FoundArrival,
    destination_province: str = "",
    destination_county: str = "",
    occupation: str = "",
) -> MobilityEpisode:
    """The found person's home organization now works in the system: match them to their member
    record by ID-card number and name. If the home branch has registered the outflow meanwhile
    the member is checked in; otherwise the found person becomes a found episode."""
    arrival = _lock_open_arrival(actor, arrival)
    member = Member.objects.arriving(id_number=arrival.id_number, name=arrival.name)
    if member is None:
        raise ValidationError(
            _(
                "No member with this ID-card number and name is in the system yet: the home "
                "organization has to register the member first."
            )
        )
    registered = MobilityEpisode.objects.filter(
        member=member, status__in=[EpisodeStatus.REGISTERED, EpisodeStatus.LOST]
    ).exists()
    # What the found person said, for either way.
    person: dict[str, Any] = {
        "actor": actor,
        "inflow_org": arrival.inflow_org,
        "id_number": arrival.id_number,
        "name": arrival.name,
        "residence": arrival.residence,
        "employer": arrival.employer,
    }
    if registered:
        episode = do_check_in_member(**person, checked_in_on=arrival.arrived_on)
    else:
        missing = {}
        if not destination_province.strip():
            missing["destination_province"] = _("Give the province the member is in.")
        if not destination_county.strip():
            missing["destination_county"] = _("Give the county or district the member is in.")
        if missing:
            raise ValidationError(missing)
        episode = do_register_found_member(
            **person,
            arrived_on=arrival.arrived_on,
            destination_province=destination_province,
            destination_county=destination_county,
            occupation=occupation,
            phone_there=arrival.phone,
        )
    transition(arrival, ArrivalStatus.MATCHED)
    arrival.matched_member = member
    save_valid(arrival)
    return episode
