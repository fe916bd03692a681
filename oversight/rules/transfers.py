"""Rules on organizational-relationship transfers (组织关系转接): a transfer due (article 25 of
the regulations on party members' organizational relationships), a letter that expired
unreceived, a receipt not returned within a month.

What "household registration moved" can mean here: `Member.household_registration` is free
text (户籍所在地), the absence's destination three fields (province, city, county). The rule
reads the registration as moved to the destination when it names the destination's county
(区/县) and its province or city: "浙江省宁波市北仑区新碶街道" against 浙江省 · 宁波市 · 北仑区. A
registration that names neither is not read as moved (the branch knows better than a string
match); one written in another way (an abbreviation, an old name) is missed, not guessed.
A member away within the home county (the destination county is the one the home county
committee is named for: 青山县 under 中共青山县委) has not moved anything: every registration
there names that county, so it is never read as moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, JSONObject, StrIndex
from django.utils.translation import gettext_lazy as _

from core.lookups import PathStartsWith
from core.months import months_before
from members.lists.queries import Reach, current_episodes
from members.models import OPEN_STATUSES, EpisodeUpdate, EpisodeUpdateKind
from organizations.models import COMMITTEE_KINDS, Organization
from oversight.models import Severity
from oversight.rules import breaches, rule
from transfers.models import Transfer, TransferStatus
from transfers.suggestions import home_county_name


def committee_above(path: str, depth: str) -> Subquery:
    """The nearest committee (township or county) strictly above the organization whose path
    and depth are the outer query's `path` and `depth` (`Organization.committee_above`, set-based:
    one index read of the few committees per row)."""
    return Subquery(
        Organization.objects.filter(kind__in=COMMITTEE_KINDS, depth__lt=OuterRef(depth))
        .filter(PathStartsWith(OuterRef(path), F("path")))
        .order_by("-depth")
        .values("pk")[:1]
    )


def household_moved() -> Q:
    """The member's household registration names the absence's destination county and its
    province or city (see the module's docstring). On an episode queryset annotated by
    `_with_registration`."""
    return (
        ~Q(destination_county="")
        & Q(reg_county__gt=0)
        & Q(own_county=0)
        & (
            (~Q(destination_province="") & Q(reg_province__gt=0))
            | (~Q(destination_city="") & Q(reg_city__gt=0))
        )
    )


#: The particulars of an absence that say where the member is: a change of one of them (or a
#: move on to another inflow organization) starts the six months at a fixed place again. A new
#: phone number does not.
PLACE_FIELDS = (
    "destination_province",
    "destination_city",
    "destination_county",
    "destination_address",
    "employer",
)


def place_changed() -> Q:
    """An entry of an absence's history that changed the place or the employer, or a move."""
    changed = Q(kind=EpisodeUpdateKind.MOVED)
    for field in PLACE_FIELDS:
        changed |= Q(changes__contains=[{"field": field}])
    return changed


def settled_at_employer(cutoff: dt.date) -> Q:
    """Settled at the place since `cutoff` or before, with a named employer that has a party
    organization (on an episode queryset annotated with `settled_since`)."""
    settled: Q = Q(settled_since__lte=cutoff, employer_has_party_org=True) & ~Q(employer="")
    return settled


def _with_registration(episodes: QuerySet[Any]) -> QuerySet[Any]:
    registration = F("member__household_registration")
    annotated: QuerySet[Any] = episodes.annotate(
        own_county=StrIndex(
            Coalesce(home_county_name(), Value(""), output_field=CharField()),
            F("destination_county"),
        ),
        reg_county=StrIndex(registration, F("destination_county")),
        reg_province=StrIndex(registration, F("destination_province")),
        reg_city=StrIndex(registration, F("destination_city")),
    )
    return annotated


def transfer_due_rows(as_of: dt.date) -> QuerySet[Any]:
    """Open absences (registered or checked in: a lost member is at no known place) whose
    member should transfer the relationship (article 25) and has no open transfer: away
    OVERSIGHT_TRANSFER_DUE_MONTHS months or more at a relatively fixed place (no change of place
    or employer reported, no move on, for that long: `place_changed`) with a named employer
    that has a party organization; or the household registration moved to the destination."""
    cutoff = months_before(as_of, settings.OVERSIGHT_TRANSFER_DUE_MONTHS)
    last_change = (
        EpisodeUpdate.objects.filter(episode_id=OuterRef("pk"), changed_on__lte=as_of)
        .filter(place_changed())
        .order_by()
        .values("episode_id")
        .annotate(last=Max("changed_on"))
        .values("last")
    )
    open_transfer = Transfer.objects.open().filter(member_id=OuterRef("member_id"))
    episodes = _with_registration(
        current_episodes(Reach.everywhere())
        .filter(status__in=OPEN_STATUSES)
        .annotate(
            # Settled since: the date of leaving, or the last change of place reported since.
            settled_since=Greatest(
                F("out_date"),
                Coalesce(Subquery(last_change, output_field=DateField()), F("out_date")),
                output_field=DateField(),
            )
        )
    )
    return (
        episodes.filter(settled_at_employer(cutoff) | household_moved())
        .filter(~Exists(open_transfer), out_date__lte=as_of)
        .order_by()
    )


@rule(
    "transfer_due",
    title=_("Formal transfer due"),
    description=_(
        "Away OVERSIGHT_TRANSFER_DUE_MONTHS months or more (6 by default) at a relatively fixed "
        "place with an employer that has a party organization, or the household registration "
        "moved to the destination, and no transfer started (regulations on party members' "
        "organizational relationships, article 25). The home branch starts the transfer."
    ),
    group="transfers",
)
def transfer_due(as_of: dt.date) -> QuerySet[Any]:
    cutoff = months_before(as_of, settings.OVERSIGHT_TRANSFER_DUE_MONTHS)
    rows = transfer_due_rows(as_of)
    return breaches(
        rows,
        organization=F("home_org_id"),
        member=F("member_id"),
        # One occurrence per absence: the transfer, once started, clears it.
        period=Cast(F("pk"), CharField()),
        severity=Severity.WARNING,
        detail=JSONObject(
            name=F("member__name"),
            out_date=F("out_date"),
            settled_since=F("settled_since"),
            employer=F("employer"),
            destination=Concat(
                F("destination_province"),
                F("destination_city"),
                F("destination_county"),
                output_field=CharField(),
            ),
            household_registration=F("member__household_registration"),
            settled=Case(
                When(settled_at_employer(cutoff), then=Value(True)),
                default=Value(False),
            ),
            household_moved=Case(When(household_moved(), then=Value(True)), default=Value(False)),
        ),
    )


def _letter_detail(as_of: dt.date, **extra: Any) -> JSONObject:
    return JSONObject(
        name=F("member__name"),
        number=F("number"),
        issued_on=F("issued_on"),
        valid_until=F("valid_until"),
        from_org=F("from_org__name"),
        to=Coalesce(F("to_org__name"), F("to_name"), output_field=CharField()),
        **extra,
    )


def letters_expired(as_of: dt.date) -> QuerySet[Any]:
    """Letters that ran out unreceived: expired (the nightly `transfers.expire_letters` set it),
    or still marked issued past their receipt deadline (validity + TRANSFER_RECEIPT_GRACE_DAYS)
    when that task has not run."""
    deadline = as_of - dt.timedelta(days=settings.TRANSFER_RECEIPT_GRACE_DAYS)
    return Transfer.objects.filter(
        Q(status=TransferStatus.EXPIRED)
        | Q(status=TransferStatus.ISSUED, valid_until__lt=deadline),
        member__archived_at__isnull=True,
    ).order_by()


@rule(
    "transfer_letter_expired",
    title=_("Transfer letter expired without receipt"),
    description=_(
        "A transfer letter past its validity and not received. Within "
        "TRANSFER_RECEIPT_GRACE_DAYS days (31 by default) of its validity it may still be "
        "received if the member presented it in time (early warning); after that the issuing "
        "organization must reissue or withdraw it."
    ),
    group="transfers",
)
def transfer_letter_expired(as_of: dt.date) -> QuerySet[Any]:
    deadline = as_of - dt.timedelta(days=settings.TRANSFER_RECEIPT_GRACE_DAYS)
    return breaches(
        letters_expired(as_of),
        organization=F("issuing_committee_id"),
        member=F("member_id"),
        key=Coalesce(F("number"), Value(""), output_field=CharField()),
        # One occurrence per letter (a reissued letter is a new transfer).
        period=Cast(F("pk"), CharField()),
        severity=Case(
            When(valid_until__lt=deadline, then=Value(int(Severity.SERIOUS))),
            default=Value(int(Severity.WARNING)),
        ),
        detail=_letter_detail(
            as_of,
            status=F("status"),
            days_expired_from=F("valid_until"),
        ),
    )


@rule(
    "transfer_receipt_overdue",
    title=_("Transfer receipt not returned"),
    description=_(
        "The member was received more than TRANSFER_RECEIPT_DAYS days (one month) ago and the "
        "receipt (回执) has not gone back to the sender. The basic-level committee above the "
        "receiving organization returns it."
    ),
    group="transfers",
)
def transfer_receipt_overdue(as_of: dt.date) -> QuerySet[Any]:
    rows = Transfer.objects.receipts_overdue(as_of).filter(to_org__isnull=False).order_by()
    return breaches(
        rows,
        # The receiving committee (transfers.steps.receiving_committee); the receiving
        # organization itself when no committee is above it.
        organization=Coalesce(committee_above("to_org__path", "to_org__depth"), F("to_org_id")),
        member=F("member_id"),
        key=Coalesce(F("number"), Value(""), output_field=CharField()),
        period=Cast(F("pk"), CharField()),
        severity=Severity.WARNING,
        detail=_letter_detail(
            as_of,
            received_on=F("received_on"),
            days_since_received_from=F("received_on"),
        ),
    )


__all__ = [
    "committee_above",
    "household_moved",
    "letters_expired",
    "place_changed",
    "settled_at_employer",
    "transfer_due_rows",
]
