"""Writes on mobility episodes: outflow registration, check-in, return. Atomic and audited.

Check-in locks the member's row (`select_for_update`), so of two secretaries checking in the same
member at the same moment exactly one succeeds and the other is told where the member went.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User
from core.scoping import Action
from core.validators import normalize_id_number
from members.actions import do_share_member, do_unshare_member
from members.models import (
    ContactRecord,
    EpisodeStatus,
    FindingAttempt,
    Member,
    MobilityEpisode,
    RegularReport,
)
from members.models.mobility import OPEN_STATUSES
from organizations.actions import do_notify_organization
from organizations.models import BRANCH_KINDS, Organization
from organizations.scope import user_scope

#: What the home side fills in when a member reports leaving.
OUTFLOW_FIELDS = (
    "out_date",
    "destination_province",
    "destination_city",
    "destination_county",
    "destination_address",
    "employer",
    "employer_has_party_org",
    "employer_sector",
    "occupation",
    "reason",
    "expected_return",
    "phone_there",
    "intended_org",
    "contact_person",
)


def _require_change(actor: User, org: Organization) -> None:
    if not user_scope(actor).covers(org.path, Action.CHANGE):
        raise PermissionDenied


def _transition(episode: MobilityEpisode, status: str) -> None:
    if not episode.can_become(status):
        raise ValidationError(
            _("This absence is %(now)s and cannot become %(next)s.")
            % {
                "now": episode.get_status_display(),
                "next": EpisodeStatus(status).label,
            }
        )
    episode.status = status


@action
def do_register_outflow(*, actor: User, member: Member, **fields: Any) -> MobilityEpisode:
    """The outflow report (外出流动报告登记), by the home branch, before the member leaves."""
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
    _require_change(actor, member.home_org)
    if member.is_archived:
        raise ValidationError(_("An archived member cannot be registered as leaving."))
    current = (
        MobilityEpisode.objects.filter(member=member, status__in=OPEN_STATUSES)
        .select_related("inflow_org")
        .first()
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
    episode.full_clean()
    episode.save()
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
    member.is_mobile = True
    member.mobile_destination = episode.destination
    member.save(update_fields=["is_mobile", "mobile_destination", "updated_at"])
    return episode


def find_member_for_check_in(*, id_number: str, name: str) -> Member | None:
    """The member with exactly this ID-card number and name, or None.

    The inflow side finds arriving members only this way, never by browsing other counties'
    registers; a wrong name answers like an unknown number, so the lookup reveals nothing.
    """
    member = (
        Member.objects.filter(id_number=normalize_id_number(id_number), archived_at__isnull=True)
        .select_related("home_org")
        .first()
    )
    if member is None or member.name != name.strip():
        return None
    return member


@action
def do_check_in(
    *,
    actor: User,
    inflow_org: Organization,
    id_number: str,
    name: str,
    checked_in_on: dt.date,
) -> MobilityEpisode:
    """Inflow check-in (流入报到): the arriving member reports to `inflow_org`."""
    _require_change(actor, inflow_org)
    if inflow_org.kind not in BRANCH_KINDS or not inflow_org.is_active:
        raise ValidationError(
            _("Members check in with an active branch or check-in station, not a committee.")
        )
    found = find_member_for_check_in(id_number=id_number, name=name)
    if found is None:
        raise ValidationError(
            _(
                "No member with this ID-card number and name is registered. Check both, or "
                "register the member as found."
            )
        )
    if found.home_org_id == inflow_org.pk:
        raise ValidationError(
            _("%(name)s belongs to %(org)s: a member checks in away from home.")
            % {"name": found.name, "org": inflow_org.name}
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
    if episode.status == EpisodeStatus.CHECKED_IN:
        assert episode.inflow_org is not None
        assert episode.checked_in_on is not None
        raise ValidationError(
            _("%(name)s already checked in at %(org)s on %(date)s.")
            % {
                "name": member.name,
                "org": episode.inflow_org.name,
                "date": episode.checked_in_on.isoformat(),
            }
        )
    _transition(episode, EpisodeStatus.CHECKED_IN)
    episode.inflow_org = inflow_org
    episode.checked_in_on = checked_in_on
    episode.checked_in_by = actor
    episode.full_clean()
    episode.save()
    do_share_member(actor=actor, member=member, organization=inflow_org)
    do_notify_organization(
        actor=actor,
        organization=episode.home_org,
        title=_("%(name)s checked in at %(org)s") % {"name": member.name, "org": inflow_org.name},
        body=_("Checked in on %(date)s.") % {"date": checked_in_on.isoformat()},
        url=reverse("members:detail", args=[member.pk]),
    )
    return episode


@action
def do_end_episode(
    *, actor: User, episode: MobilityEpisode, status: str, ended_on: dt.date, note: str = ""
) -> MobilityEpisode:
    """The member returned (回流) or the relationship was transferred: the absence ends, and the
    inflow organization loses its access to the member."""
    if status not in (EpisodeStatus.RETURNED, EpisodeStatus.TRANSFERRED):
        raise ValueError(f"{status} does not end an episode")
    episode = (
        MobilityEpisode.objects.select_for_update(of=("self",))
        .select_related("home_org", "inflow_org", "member")
        .get(pk=episode.pk)
    )
    _require_change(actor, episode.home_org)
    _transition(episode, status)
    episode.ended_on = ended_on
    episode.end_note = note
    episode.full_clean()
    episode.save()
    if episode.inflow_org is not None:
        do_unshare_member(actor=actor, member=episode.member, organization=episode.inflow_org)
    member = episode.member
    member.is_mobile = False
    member.mobile_destination = ""
    member.save(update_fields=["is_mobile", "mobile_destination", "updated_at"])
    return episode


@action
def do_record_contact(
    *, actor: User, member: Member, contacted_on: dt.date, channel: str, summary: str
) -> ContactRecord:
    """A contact with the member, for the pairing card: the home side or the inflow side."""
    if not Member.objects.visible_to(actor, Action.RECORD).filter(pk=member.pk).exists():
        raise PermissionDenied
    if contacted_on > dt.date.today():
        raise ValidationError({"contacted_on": _("A contact cannot be in the future.")})
    record = ContactRecord(
        member=member,
        contacted_on=contacted_on,
        channel=channel,
        summary=summary.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    return record


@action
def do_mark_lost(*, actor: User, member: Member, since: dt.date) -> Member:
    """Put the member on the whereabouts-unknown list (失联): the home side decides."""
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
    _require_change(actor, member.home_org)
    if since > dt.date.today():
        raise ValidationError({"since": _("Contact cannot be lost in the future.")})
    member.lost_contact = True
    member.lost_contact_since = since
    member.full_clean()
    member.save(update_fields=["lost_contact", "lost_contact_since", "updated_at"])
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
    if not Member.objects.visible_to(actor, Action.RECORD).filter(pk=member.pk).exists():
        raise PermissionDenied
    member = Member.objects.select_for_update().select_related("home_org").get(pk=member.pk)
    if not member.lost_contact:
        raise ValidationError(
            _("%(name)s is not lost: there is no one to find.") % {"name": member.name}
        )
    if attempted_on > dt.date.today():
        raise ValidationError({"attempted_on": _("An attempt cannot be in the future.")})
    attempt = FindingAttempt(
        member=member,
        attempted_on=attempted_on,
        channel=channel,
        result=result.strip(),
        found=found,
        recorded_by=actor,
    )
    attempt.full_clean()
    attempt.save()
    if found:
        member.lost_contact = False
        member.lost_contact_since = None
        member.save(update_fields=["lost_contact", "lost_contact_since", "updated_at"])
    return attempt


@action
def do_record_report(
    *, actor: User, member: Member, reported_on: dt.date, channel: str, summary: str
) -> RegularReport:
    """A regular report received from the member (定期汇报), by the home branch."""
    member = Member.objects.select_related("home_org").get(pk=member.pk)
    _require_change(actor, member.home_org)
    if reported_on > dt.date.today():
        raise ValidationError({"reported_on": _("A report cannot be in the future.")})
    report = RegularReport(
        member=member,
        reported_on=reported_on,
        channel=channel,
        summary=summary.strip(),
        received_by=actor,
    )
    report.full_clean()
    report.save()
    return report
