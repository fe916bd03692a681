"""Absences, check-ins, certificates, lost and found members in one call each, for the demo
county and the tests: the real actions (validated, audited, shared like any other write) with
defaults for what the caller does not care about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict

from django.utils import timezone

from core.models import User
from members.certificates.actions import do_issue_certificate
from members.dues.actions import (
    PaymentInput,
    StandardInput,
    do_record_payment,
    do_set_standard,
    expected_amounts,
)
from members.found.actions import do_record_found_arrival, do_register_found_member
from members.mobility.actions import (
    do_check_in_member,
    do_mark_member_lost,
    do_record_finding_attempt,
    do_record_outside_check_in,
    do_register_outflow,
)
from members.models import (
    MEETING_REQUIRED,
    Certificate,
    CertificateKind,
    ContactChannel,
    DuesCategory,
    DuesMethod,
    DuesPayment,
    DuesStandard,
    FoundArrival,
    Member,
    MobilityEpisode,
    OccupationCategory,
    OutsideCheckIn,
    OutsideConfirmation,
    StandingDecision,
)
from members.standing.actions import (
    do_approve_standing_decision,
    do_propose_standing_decision,
)
from organizations.models import Organization

#: Where a member goes when the caller does not say: a migrant worker in 宁波市北仑区.
OUTFLOW: dict[str, object] = {
    "destination_province": "浙江省",
    "destination_city": "宁波市",
    "destination_county": "北仑区",
    "occupation": OccupationCategory.MIGRANT_WORKER,
    "reason": "务工",
}
#: How long a certificate letter is valid when the caller does not say.
LETTER_DAYS = 30


class _Identity(TypedDict):
    id_number: str
    name: str


def _identity(member: Member) -> _Identity:
    """Who stands at the station's desk: an ID-card number and a name."""
    return {"id_number": member.id_number, "name": member.name}


def away(
    member: Member, *, actor: User, out_date: dt.date | None = None, **fields: object
) -> MobilityEpisode:
    """`member` registered as away (外出流动登记) since `out_date` (30 days ago unless given);
    `fields` are outflow fields (members.models.mobility.OUTFLOW_FIELDS) over OUTFLOW's."""
    return do_register_outflow(
        actor=actor,
        member=member,
        out_date=out_date or timezone.localdate() - dt.timedelta(days=30),
        **(OUTFLOW | fields),
    )


def check_in(
    member: Member, *, actor: User, at: Organization, on: dt.date | None = None
) -> MobilityEpisode:
    """`member` checks in at `at` on `on` (today unless given), by ID-card number and name as
    at the station's desk."""
    return do_check_in_member(
        actor=actor, inflow_org=at, checked_in_on=on or timezone.localdate(), **_identity(member)
    )


def move_on(
    member: Member, *, actor: User, at: Organization, on: dt.date | None = None
) -> MobilityEpisode:
    """`member`, checked in elsewhere, moves on and checks in at `at` on `on` (today unless
    given): the check-in before ends (Issue 9, item 4)."""
    return do_check_in_member(
        actor=actor,
        inflow_org=at,
        checked_in_on=on or timezone.localdate(),
        moving_on=True,
        **_identity(member),
    )


def check_in_outside(
    episode: MobilityEpisode,
    *,
    actor: User,
    organization: str = "中共宁波市北仑区新碶街道流动党员党支部",
    on: dt.date | None = None,
    confirmed_by: str = OutsideConfirmation.PHONE,
    contact_name: str = "李书记",
    contact_phone: str = "0574-86880000",
    address: str = "",
) -> OutsideCheckIn:
    """The home branch records that the member of `episode` checked in at `organization`, which
    does not work in the system, on `on` (today unless given)."""
    return do_record_outside_check_in(
        actor=actor,
        episode=episode,
        checked_in_on=on or timezone.localdate(),
        organization_name=organization,
        organization_address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        confirmed_by=confirmed_by,
    )


def issue_certificate(
    member: Member,
    *,
    actor: User,
    kind: str = CertificateKind.ACTIVITY,
    on: dt.date | None = None,
    reason: str = "务工",
    valid_until: dt.date | None = None,
    episode: MobilityEpisode | None = None,
) -> Certificate:
    """An activity certificate (or, with `kind`, a certificate letter valid LETTER_DAYS unless
    `valid_until` says otherwise) issued to `member` on `on` (today unless given)."""
    on = on or timezone.localdate()
    if kind == CertificateKind.LETTER and valid_until is None:
        valid_until = on + dt.timedelta(days=LETTER_DAYS)
    return do_issue_certificate(
        actor=actor,
        member=member,
        kind=kind,
        issued_on=on,
        reason=reason,
        valid_until=valid_until,
        episode=episode,
    )


def lose_contact(
    member: Member,
    *,
    actor: User,
    since: dt.date,
    last_known_place: str = "",
    tried_on: dt.date | None = None,
    channel: str = ContactChannel.PHONE,
    result: str = "电话无人接听",
) -> Member:
    """`member` lost from sight since `since`; with `tried_on`, one attempt to find them that
    failed."""
    lost = do_mark_member_lost(
        actor=actor, member=member, since=since, last_known_place=last_known_place
    )
    if tried_on is not None:
        do_record_finding_attempt(
            actor=actor,
            member=member,
            attempted_on=tried_on,
            channel=channel,
            result=result,
            found=False,
        )
    return lost


def found_member(
    member: Member,
    *,
    actor: User,
    at: Organization,
    on: dt.date | None = None,
    employer: str = "",
    residence: str = "",
    reason: str = "",
) -> MobilityEpisode:
    """`member`, who left without registering, found by `at` on `on` (today unless given): an
    absence of the found origin, checked in there."""
    return do_register_found_member(
        **_identity(member),
        actor=actor,
        inflow_org=at,
        arrived_on=on or timezone.localdate(),
        destination_province="浙江省",
        destination_city="杭州市",
        destination_county="青山县",
        residence=residence,
        employer=employer,
        occupation=OccupationCategory.NON_PUBLIC_EMPLOYEE,
        reason=reason,
    )


def found_arrival(
    *,
    actor: User,
    at: Organization,
    id_number: str,
    name: str,
    claimed_home_org: str = "外省某村党支部",
    on: dt.date | None = None,
    phone: str = "",
    residence: str = "",
) -> FoundArrival:
    """A person found at `at` on `on` (today unless given) who says they are a member of an
    organization that is not in the system."""
    return do_record_found_arrival(
        actor=actor,
        inflow_org=at,
        id_number=id_number,
        name=name,
        claimed_home_org=claimed_home_org,
        arrived_on=on or timezone.localdate(),
        phone=phone,
        residence=residence,
    )


def decide_standing(
    member: Member,
    *,
    kind: str,
    proposer: User,
    approver: User | None = None,
    on: dt.date | None = None,
    grounds: str = "经党支部大会讨论，依照党章和有关规定处理。",
) -> StandingDecision:
    """A decision of `kind` on `member`: proposed by `proposer` after the branch general meeting
    of `on` (today unless given) and, with `approver`, approved by the committee the same day."""
    on = on or timezone.localdate()
    meeting = kind in MEETING_REQUIRED
    decision = do_propose_standing_decision(
        actor=proposer,
        member=member,
        kind=kind,
        grounds=grounds,
        meeting_on=on if meeting else None,
        resolution="党支部大会表决通过（应到15人，实到13人，同意13人）。" if meeting else "",
    )
    if approver is not None:
        decision = do_approve_standing_decision(
            actor=approver, decision=decision, decided_on=on, answer="批复文号：组字[2026]1号"
        )
    return decision


def set_dues_standard(
    member: Member,
    *,
    actor: User,
    category: str = DuesCategory.SALARIED,
    base_income: Decimal | str | None = "4000",
    from_month: dt.date | None = None,
    **relief: object,
) -> DuesStandard:
    """`member`'s dues standard from `from_month` (January of last year unless given, or the
    month they joined if later); a salaried member on 4,000 yuan (40.00 a month) by default."""
    first = from_month or dt.date(timezone.localdate().year - 1, 1, 1)
    first = max(first, member.joined_on.replace(day=1))
    income = None if base_income is None else Decimal(base_income)
    return do_set_standard(
        actor=actor,
        member=member,
        effective_from=first,
        data=StandardInput(category=category, base_income=income, **relief),  # type: ignore[arg-type]
    )


def pay_dues(
    member: Member,
    *,
    actor: User,
    first_month: dt.date,
    months: int = 1,
    amount: Decimal | str | None = None,
    org: Organization | None = None,
    paid_on: dt.date | None = None,
    receipt_number: str = "",
    method: str = DuesMethod.CASH,
    note: str = "",
) -> DuesPayment:
    """A payment of `months` months from `first_month`, of the standard's amount unless given,
    received at the home branch (or `org`) in cash today."""
    if amount is None:
        expected = expected_amounts(member, first_month, months) or []
        amount = sum(expected, Decimal(0))
    return do_record_payment(
        actor=actor,
        member=member,
        data=PaymentInput(
            first_month=first_month,
            months=months,
            amount=Decimal(amount),
            method=method,
            reference="" if method == DuesMethod.CASH else f"REF{first_month:%Y%m}{member.pk}",
            paid_on=paid_on or timezone.localdate(),
            received_by="组织委员",
            receipt_number=receipt_number,
            note=note,
            org=org,
        ),
    )
