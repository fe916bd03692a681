"""Writes on activity certificates (《中国共产党流动党员活动证》) and certificate letters
(《党员证明信》). Atomic and audited, like every action.

Numbers: the county organization department numbers both kinds, one sequence per county, kind and
year (`CertificateCounter`, through `core.numbering.next_serial`, which inserts the counter row
if it is missing with `ON CONFLICT DO NOTHING` and locks it with `SELECT ... FOR UPDATE`). The
number is taken after every check has passed and in the same transaction as the certificate: a
concurrent issue in the same county waits for the lock, and an issue that fails rolls its number
back, so the sequence has no gaps and no duplicates.

Sides: the home side (change scope over the member's branch) issues, checks yearly, revokes and
replaces; the inflow side (record scope on the shared member) fills the inflow part and the
departure part. Check-in fills the inflow part by itself (`fill_inflow_part_on_check_in`), and
the end of an absence returns its certificates (`return_certificates_for_episode`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action
from core.models import User, save_valid, transition
from core.numbering import next_serial
from core.scoping import Action
from members.access import require_check_certificate, require_record
from members.certificates.hooks import life_summary
from members.dues.paid_until import recorded_paid_until
from members.models import (
    OPEN_STATUSES,
    Certificate,
    CertificateCheck,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
    CheckResult,
    Member,
    MobilityEpisode,
)
from members.models.certificates import NUMBER_TAGS, activity_certificate_caution
from organizations.models import Organization, OrgKind
from organizations.scope import require_change, user_scope


def _not_in_future(field: str, day: dt.date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: message})


def numbering_county(org: Organization) -> Organization:
    """The county committee that numbers `org`'s certificates: the nearest ancestor-or-self of
    kind county."""
    for ancestor in reversed(org.ancestors_and_self()):
        if ancestor.kind == OrgKind.COUNTY_COMMITTEE:
            return ancestor
    raise ValidationError(
        _(
            "%(org)s is not under a county committee, so no county can number its "
            "certificates. Ask the administrator to place it in the tree."
        )
        % {"org": org.name}
    )


#: The tortoise-shell brackets around the year in an official document number.
YEAR_OPEN, YEAR_CLOSE = "\u3014", "\u3015"


def format_number(county: Organization, kind: str, year: int, serial: int) -> str:
    """The printed number: county code, kind, [year] and serial (110101流证[2026]第0001号, with
    tortoise-shell brackets around the year).

    One sequence per county, kind and year, started by that county's own code: unlike the
    transfer letters (Issue 9, item 20) the counter and the code belong to the same committee,
    so numbers are unique as long as no two counties share a code (system check
    organizations.E002; the save refuses a collision in words). A county without its code is
    refused (Issue 9, item 12)."""
    code = county.numbering_code()
    return f"{code}{NUMBER_TAGS[kind]}{YEAR_OPEN}{year}{YEAR_CLOSE}第{serial:04d}号"


def _valid_one(member: Member, kind: str) -> Certificate | None:
    """The member's valid certificate of `kind`; a letter past its validity is expired now
    (its status is set here, when it would block a new one; Issue 9, item 7)."""
    existing = (
        Certificate.objects.select_for_update()
        .filter(member=member, kind=kind, status=CertificateStatus.VALID)
        .first()
    )
    if existing is not None and existing.lapsed:
        assert existing.valid_until is not None
        _end(
            existing,
            CertificateStatus.EXPIRED,
            existing.valid_until + dt.timedelta(days=1),
            _("Its validity ended."),
        )
        return None
    return existing


def _new_certificate(
    *,
    actor: User,
    member: Member,
    kind: str,
    episode: MobilityEpisode | None,
    issued_on: dt.date,
    valid_until: dt.date | None,
    reason: str,
    replaces: Certificate | None = None,
    issue_anyway_reason: str = "",
) -> Certificate:
    """Validate, then number and save: the number is taken last, and only for a valid one."""
    county = numbering_county(member.home_org)
    certificate = Certificate(
        member=member,
        episode=episode,
        kind=kind,
        county=county,
        year=issued_on.year,
        serial=0,
        number="-",
        issuing_org=member.home_org,
        issued_on=issued_on,
        valid_until=valid_until,
        reason=reason,
        issue_anyway_reason=issue_anyway_reason,
        issued_by=actor,
        replaces=replaces,
    )
    if replaces is not None:
        for field in (
            "inflow_org",
            "arrived_on",
            "inflow_contact",
            "inflow_contact_phone",
            "left_inflow_on",
            "life_record",
            "dues_paid_until",
        ):
            setattr(certificate, field, getattr(replaces, field))
        if certificate.arrived_on is not None and certificate.arrived_on < issued_on:
            # The replacement is issued later; the arrival stays on the old one's record.
            certificate.arrived_on = issued_on
    certificate.full_clean(exclude=["serial", "number"])
    certificate.serial = next_serial(
        CertificateCounter, county=county, kind=kind, year=certificate.year
    )
    certificate.number = format_number(county, kind, certificate.year, certificate.serial)
    try:
        certificate.save()
    except IntegrityError as exc:
        # Another county with the same code printed this number already: refuse; the action's
        # rollback gives the serial back.
        raise ValidationError(
            _("The number %(number)s is already taken: check the county codes.")
            % {"number": certificate.number}
        ) from exc
    return certificate


@action
def do_issue_certificate(
    *,
    actor: User,
    member: Member,
    kind: str,
    issued_on: dt.date,
    reason: str,
    valid_until: dt.date | None = None,
    episode: MobilityEpisode | None = None,
    issue_anyway_reason: str = "",
) -> Certificate:
    """Issue an activity certificate (for the member's current absence) or a certificate letter
    (for a short trip): the home side, numbered by the county.

    An activity certificate against the 2006 rules (a short absence, or six months at an
    employer with a party organization: `activity_certificate_caution`) is issued only with
    `issue_anyway_reason`, which the certificate keeps (Issue 9, item 7)."""
    # The member's row lock serializes two issues for the same member.
    member = Member.objects.locked(member)
    require_change(actor, member.home_org)
    if kind not in CertificateKind.values:
        raise ValueError(f"unknown certificate kind {kind!r}")
    if member.is_archived:
        raise ValidationError(_("An archived member is not issued certificates."))
    member.require_good_standing()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the member is leaving.")})
    _not_in_future("issued_on", issued_on, _("A certificate cannot be issued in the future."))
    if valid_until is not None and valid_until < issued_on:
        raise ValidationError(
            {"valid_until": _("A certificate cannot expire before it is issued.")}
        )
    existing = _valid_one(member, kind)
    if existing is not None:
        raise ValidationError(
            _("%(name)s already holds a valid %(kind)s, number %(number)s.")
            % {
                "name": member.name,
                "kind": CertificateKind(kind).label,
                "number": existing.number,
            }
        )
    current = (
        MobilityEpisode.objects.filter(member=member, status__in=OPEN_STATUSES)
        .order_by("-out_date")
        .first()
    )
    if episode is not None and (current is None or episode.pk != current.pk):
        raise ValidationError(
            _("A certificate is issued for the member's current absence, not an earlier one.")
        )
    if kind == CertificateKind.ACTIVITY:
        if current is None:
            raise ValidationError(
                _(
                    "An activity certificate is issued for a registered absence: register "
                    "%(name)s's outflow first."
                )
                % {"name": member.name}
            )
        episode = current
        issue_anyway_reason = issue_anyway_reason.strip()
        caution = activity_certificate_caution(current, issued_on)
        if caution is None:
            issue_anyway_reason = ""
        elif not issue_anyway_reason:
            raise ValidationError(
                {
                    "issue_anyway_reason": caution
                    + " "
                    + _("To issue the activity certificate anyway, say why.")
                }
            )
    else:
        issue_anyway_reason = ""
        if valid_until is None:
            raise ValidationError(
                {"valid_until": _("A certificate letter says until when it is valid.")}
            )
        # A letter issued while the member is away belongs to that absence (and is handed back
        # with it); one for a trip from home belongs to none.
        episode = current
    return _new_certificate(
        actor=actor,
        member=member,
        kind=kind,
        episode=episode,
        issued_on=issued_on,
        valid_until=valid_until,
        reason=reason,
        issue_anyway_reason=issue_anyway_reason,
    )


def _locked(certificate: Certificate) -> Certificate:
    locked: Certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("member", "member__home_org", "inflow_org", "episode__inflow_org")
        .get(pk=certificate.pk)
    )
    return locked


def _refuse(why: str | None) -> None:
    """Raise the certificate's own reason why not (see `Certificate.*_refusal`)."""
    if why:
        raise ValidationError(why)


def _fill_inflow(
    certificate: Certificate,
    *,
    inflow_org: Organization,
    arrived_on: dt.date,
    contact: str,
    contact_phone: str,
) -> Certificate:
    _refuse(certificate.inflow_part_refusal())
    if arrived_on < certificate.issued_on:
        raise ValidationError(
            {
                "arrived_on": _("The member arrives after the certificate is issued (%(date)s).")
                % {"date": certificate.issued_on.isoformat()}
            }
        )
    episode = certificate.episode
    if episode is not None and arrived_on < episode.out_date:
        raise ValidationError(
            {
                "arrived_on": _("The member arrives after leaving home (%(date)s).")
                % {"date": episode.out_date.isoformat()}
            }
        )
    certificate.inflow_org = inflow_org
    certificate.arrived_on = arrived_on
    certificate.inflow_contact = contact.strip()
    certificate.inflow_contact_phone = contact_phone.strip()
    return save_valid(certificate)


@action
def do_fill_inflow_part(
    *,
    actor: User,
    certificate: Certificate,
    inflow_org: Organization,
    arrived_on: dt.date,
    contact: str,
    contact_phone: str,
) -> Certificate:
    """The inflow side fills its branch, the date of arrival and its contact person."""
    certificate = _locked(certificate)
    require_record(actor, certificate.member)
    _refuse(certificate.activity_refusal() or certificate.closed_refusal())
    episode = certificate.episode
    # The organization is one the actor works for, or the one the member checked in with.
    if not (
        user_scope(actor).covers(inflow_org.path, Action.CHANGE)
        or (episode is not None and episode.inflow_org_id == inflow_org.pk)
    ):
        raise PermissionDenied
    _not_in_future("arrived_on", arrived_on, _("An arrival cannot be in the future."))
    if not contact.strip():
        raise ValidationError({"contact": _("Name the inflow side's contact person.")})
    return _fill_inflow(
        certificate,
        inflow_org=inflow_org,
        arrived_on=arrived_on,
        contact=contact,
        contact_phone=contact_phone,
    )


def fill_inflow_part_on_check_in(*, actor: User, episode: MobilityEpisode) -> Certificate | None:
    """Runs inside `do_check_in_member`'s transaction (and the found member's): the member's valid
    activity certificate gets the inflow part (the checking-in organization, the date, the user as
    contact) unless it is filled in already or the dates would disagree; the check-in itself never
    fails here."""
    assert episode.inflow_org is not None
    assert episode.checked_in_on is not None
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("episode")
        .filter(
            member_id=episode.member_id,
            kind=CertificateKind.ACTIVITY,
            status=CertificateStatus.VALID,
            inflow_org__isnull=True,
        )
        .first()
    )
    if certificate is None or episode.checked_in_on < certificate.issued_on:
        return None
    if certificate.episode_id is not None and certificate.episode_id != episode.pk:
        return None
    try:
        # No savepoint: `_fill_inflow` refuses before it writes anything.
        return _fill_inflow(
            certificate,
            inflow_org=episode.inflow_org,
            arrived_on=episode.checked_in_on,
            contact=actor.full_name or actor.username,
            contact_phone=(actor.phone or "")[:20],
        )
    except ValidationError:
        # The inflow side fills it by hand instead.
        return None


def close_inflow_part_on_move(
    *, episode: MobilityEpisode, left: Organization, left_on: dt.date
) -> Certificate | None:
    """Runs inside `do_check_in_member`'s transaction when the member moves on from `left` to
    another inflow organization (Issue 9, item 4). Like the inflow part at check-in, this
    never makes the check-in fail: the member's valid activity certificate whose inflow part
    `left` filled gets its departure part (left on the day of the new check-in, the move as
    its record) unless it is filled already or the dates disagree. `left` has lost its share
    of the member with the move, so it could no longer fill the part itself; the home side
    can still correct it.

    The certificate has one inflow part: the new organization fills it at check-in only while
    it is empty (`fill_inflow_part_on_check_in`), and the absence's history keeps every
    check-in."""
    certificate: Certificate | None = (
        Certificate.objects.select_for_update(of=("self",))
        .filter(
            Q(episode=episode) | Q(episode__isnull=True),
            member_id=episode.member_id,
            kind=CertificateKind.ACTIVITY,
            status=CertificateStatus.VALID,
            inflow_org=left,
        )
        .first()
    )
    if certificate is None or certificate.departure_part_refusal() is not None:
        return None
    assert certificate.arrived_on is not None
    assert episode.inflow_org is not None
    if left_on < certificate.arrived_on:
        return None
    certificate.left_inflow_on = left_on
    moved = _("Moved on to %(org)s and checked in there on %(date)s.") % {
        "org": episode.inflow_org.name,
        "date": left_on.isoformat(),
    }
    # The organizational life while there, from the attendance records (issue 10, item 3).
    certificate.life_record = _record_text(f"{moved} {life_summary(certificate, left_on)}")
    # And the dues, from the dues records when the member has them (issue 11).
    recorded = recorded_paid_until(episode.member)
    if recorded is not None:
        certificate.dues_paid_until = recorded
    return save_valid(certificate)


def _record_text(text: str) -> str:
    """`text` within the departure part's 500 characters (a long organization name)."""
    limit = Certificate._meta.get_field("life_record").max_length or 500
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@action
def do_fill_departure_part(
    *,
    actor: User,
    certificate: Certificate,
    left_inflow_on: dt.date,
    life_record: str = "",
    dues_paid_until: dt.date | None,
) -> Certificate:
    """When the member leaves the inflow organization, it records their organizational life and
    the month their dues are paid up to. Left empty, the organizational life is filled from the
    attendance records at the inflow organization between the arrival and `left_inflow_on`
    (`members.certificates.hooks.life_summary`; issue 10, item 3). "Dues paid up to" comes from
    the dues records when the member has them (`dues_paid_until` is then ignored; issue 11), and
    is typed (or left empty) for a member without records."""
    certificate = _locked(certificate)
    require_record(actor, certificate.member)
    _refuse(certificate.departure_part_refusal())
    assert certificate.arrived_on is not None
    if left_inflow_on < certificate.arrived_on:
        raise ValidationError(
            {
                "left_inflow_on": _("The member leaves after arriving (%(date)s).")
                % {"date": certificate.arrived_on.isoformat()}
            }
        )
    _not_in_future("left_inflow_on", left_inflow_on, _("A departure cannot be in the future."))
    if not life_record.strip():
        life_record = _record_text(life_summary(certificate, left_inflow_on))
    if not life_record.strip():
        raise ValidationError(
            {"life_record": _("Describe the member's organizational life while here.")}
        )
    certificate.left_inflow_on = left_inflow_on
    certificate.life_record = life_record.strip()
    recorded = recorded_paid_until(certificate.member)
    if recorded is not None:
        dues_paid_until = recorded
    # Dues are paid up to a month: the first day stands for it.
    certificate.dues_paid_until = dues_paid_until.replace(day=1) if dues_paid_until else None
    return save_valid(certificate)


@action
def do_check_certificate(
    *,
    actor: User,
    certificate: Certificate,
    year: int,
    checked_on: dt.date,
    result: str,
    note: str = "",
    handling: str = "",
    handled_on: dt.date | None = None,
) -> CertificateCheck:
    """The yearly check (年审), with the democratic evaluation: once a year, by the home side or
    by the inflow organization the member is checked in with (Issue 9, item 7). A failed check
    is followed up: how the member was handled (a talk, criticism, ...) and when, which the
    education and handling card shows."""
    certificate = _locked(certificate)
    require_check_certificate(actor, certificate)
    _refuse(certificate.activity_refusal() or certificate.closed_refusal())
    if result not in CheckResult.values:
        raise ValidationError({"result": _("Choose a result.")})
    if checked_on < certificate.issued_on:
        raise ValidationError(
            {
                "checked_on": _("A check comes after the issue (%(date)s).")
                % {"date": certificate.issued_on.isoformat()}
            }
        )
    _not_in_future("checked_on", checked_on, _("A check cannot be in the future."))
    if not certificate.issued_on.year <= year <= checked_on.year:
        raise ValidationError(
            {
                "year": _(
                    "The year checked lies between the year of issue (%(issued)s) and the "
                    "date of the check."
                )
                % {"issued": certificate.issued_on.year}
            }
        )
    done = certificate.checks.filter(year=year).first()
    if done is not None:
        raise ValidationError(
            {
                "year": _("Certificate %(number)s was already checked for %(year)s on %(date)s.")
                % {"number": certificate.number, "year": year, "date": done.checked_on.isoformat()}
            }
        )
    handling = handling.strip()
    if result == CheckResult.FAILED:
        _require_handling(certificate, handling, handled_on)
    else:
        handling, handled_on = "", None
    check = CertificateCheck(
        certificate=certificate,
        year=year,
        checked_on=checked_on,
        result=result,
        note=note.strip(),
        handling=handling,
        handled_on=handled_on,
        checked_by=actor,
    )
    return save_valid(check)


def _require_handling(certificate: Certificate, handling: str, handled_on: dt.date | None) -> None:
    """A failed check's follow-up: a text and a date, not before the certificate was issued
    and not in the future."""
    errors: dict[str, str] = {}
    if not handling:
        errors["handling"] = _(
            "A failed check is followed up: say how the member was handled (a talk, "
            "criticism, ...)."
        )
    if handled_on is None:
        errors["handled_on"] = _("Give the date of the handling.")
    elif handled_on < certificate.issued_on:
        errors["handled_on"] = _("Not before the certificate was issued (%(date)s).") % {
            "date": certificate.issued_on.isoformat()
        }
    elif handled_on > timezone.localdate():
        errors["handled_on"] = _("This date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _end(certificate: Certificate, status: str, ended_on: dt.date, reason: str) -> None:
    transition(certificate, status)
    certificate.ended_on = ended_on
    certificate.end_reason = reason
    save_valid(certificate)


def _check_end(certificate: Certificate, ended_on: dt.date, reason: str, field: str) -> str:
    _refuse(certificate.closed_refusal())
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if ended_on < certificate.issued_on:
        raise ValidationError(
            {
                field: _("Not before the certificate was issued (%(date)s).")
                % {"date": certificate.issued_on.isoformat()}
            }
        )
    _not_in_future(field, ended_on, _("This date cannot be in the future."))
    return reason


@action
def do_revoke_certificate(
    *, actor: User, certificate: Certificate, ended_on: dt.date, reason: str
) -> Certificate:
    """The home side withdraws a certificate (吊销), with the reason."""
    certificate = _locked(certificate)
    require_change(actor, certificate.member.home_org)
    reason = _check_end(certificate, ended_on, reason, "ended_on")
    _end(certificate, CertificateStatus.REVOKED, ended_on, reason)
    return certificate


@action
def do_replace_certificate(
    *, actor: User, certificate: Certificate, issued_on: dt.date, reason: str
) -> Certificate:
    """A new certificate in place of one lost, damaged or out of date: the old one becomes
    replaced, the new one gets a new number and points at it (same kind, same absence)."""
    old = _locked(certificate)
    require_change(actor, old.member.home_org)
    member = Member.objects.select_for_update().select_related("home_org").get(pk=old.member_id)
    if member.is_archived:
        raise ValidationError(_("An archived member is not issued certificates."))
    reason = _check_end(old, issued_on, reason, "issued_on")
    if old.valid_until is not None and old.valid_until < issued_on:
        valid_until: dt.date | None = None if old.kind == CertificateKind.ACTIVITY else issued_on
    else:
        valid_until = old.valid_until
    # The old one stops being valid first: one valid certificate per member and kind.
    _end(old, CertificateStatus.REPLACED, issued_on, reason)
    return _new_certificate(
        actor=actor,
        member=member,
        kind=old.kind,
        episode=old.episode,
        issued_on=issued_on,
        valid_until=valid_until,
        reason=old.reason,
        replaces=old,
    )


def return_certificates_for_episode(
    *, episode: MobilityEpisode, ended_on: dt.date
) -> list[Certificate]:
    """The absence ended (the member returned or transferred): its valid certificates are
    handed back. Runs inside the ending action's transaction (`end_episode`), as its actor."""
    returned = []
    for certificate in Certificate.objects.select_for_update().filter(
        episode=episode, status=CertificateStatus.VALID
    ):
        _end(
            certificate,
            CertificateStatus.RETURNED,
            max(ended_on, certificate.issued_on),
            _("The absence ended."),
        )
        returned.append(certificate)
    return returned
