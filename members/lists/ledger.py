"""The mobile-member ledger (流动党员台账): one row per current absence the user's organizations
work on, from either side: their own members away (流出: every current absence, registered,
checked in or lost while away) and the members of elsewhere checked in with them (流入). These
are the rows of the lists "My members away" and "Checked in with us" (`members.lists.queries`:
the same conditions, reach and name search), filtered as those pages filter them.

Each row says where the member is, with whom they checked in, their activity certificate, who
keeps in touch with them and when they last did, their last organizational life and how far
their dues are paid: every figure a correlated subquery of the one statement, never a query per
row. The organizational life is read from `education`'s attendance through the app registry
(`members` sits left of `education` in the app graph and never imports it), by the definition
`education.life.last_life_subquery` uses: a row that counts (`Attendance.objects.taking_part`)
at a meeting held on or before today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    DateField,
    F,
    JSONField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models import ExpressionWrapper as Wrap
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import FormFilter
from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from members.lists.forms import MobileListForm
from members.lists.queries import (
    MobileList,
    Reach,
    Thresholds,
    conditions,
    current_episodes,
    with_records,
)
from members.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    DuesStandard,
    EpisodeStatus,
    Member,
)
from members.models.dues import add_months
from members.models.dues_state import DuesState
from organizations.models import Organization

#: What the ledger reads of an absence and its annotations...
MOBILE_FIELDS = (
    "outflow",
    "home_org_id",
    "status",
    "out_date",
    "destination_province",
    "destination_city",
    "destination_county",
    "destination_address",
    "employer",
    "inflow_org_id",
    "checked_in_on",
    "certificate_number",
    "last_contacted_on",
    "last_life_on",
    "dues_json",
    "first_standard",
)
#: ... and of its member, its check-in outside the system and its designated contact, under
#: names a column can read (a column's path would read "member__name" as two steps).
MOBILE_RELATED = {
    "name": "member__name",
    "id_number": "member__id_number",
    "member_home_id": "member__home_org_id",
    "outside_org": "outside_check_in__organization_name",
    "outside_on": "outside_check_in__checked_in_on",
    "contact_partner": "contact_member__name",
    "contact_full_name": "contact_person__full_name",
    "contact_username": "contact_person__username",
}


def _outflow(reach: Reach) -> Any:
    """Whether a row is the user's own member away (流出) rather than one checked in with them
    (流入). A member of theirs checked in with an organization of theirs (a township's member at
    the township's station) is their own member first. Everything is outflow for the system
    administrator, whose reach has no sides."""
    if not reach.home:
        return Value(True)
    return Wrap(reach.home, output_field=BooleanField())


def _certificate_number() -> Subquery:
    """The number of the member's valid activity certificate (one at most: a constraint)."""
    held = Certificate.objects.filter(
        member_id=OuterRef("member_id"),
        kind=CertificateKind.ACTIVITY,
        status=CertificateStatus.VALID,
    ).order_by("-issued_on", "-id")
    return Subquery(held.values("number")[:1])


def _last_life(today: dt.date) -> Subquery:
    """The member's last organizational life on or before `today`, as
    `education.life.last_life_subquery` reads it, without importing `education`."""
    attendance: Any = apps.get_model("education", "Attendance")
    rows = attendance.objects.taking_part().filter(
        member_id=OuterRef("member_id"), meeting__held_on__lte=today
    )
    return Subquery(
        rows.order_by("-meeting__held_on").values("meeting__held_on")[:1],
        output_field=DateField(),
    )


def _dues(today: dt.date) -> dict[str, Subquery]:
    """The member's dues state (`Member.objects.with_dues`, the one reading of dues) and first
    standard: "paid up to" as the transfer letter and the certificate print it
    (`members.dues.paid_until.recorded_paid_until`), for every row in the one statement."""
    # Any: the annotation `with_dues` adds is not known to the type checker's Django plugin.
    member: Any = Member.objects.filter(pk=OuterRef("member_id")).with_dues(today)
    state = member.values("dues_json")
    first = (
        DuesStandard.objects.filter(member_id=OuterRef("member_id"))
        .order_by("effective_from")
        .values("effective_from")
    )
    return {
        "dues_json": Subquery(state[:1], output_field=JSONField()),
        "first_standard": Subquery(first[:1], output_field=DateField()),
    }


def paid_until(row: dict[str, Any]) -> str:
    """The month dues are paid up to (党费交至), as year-month; empty for a member with no dues
    records. A member owing since their first month is paid up to the month before it, as on
    the letter."""
    first: dt.date | None = row["first_standard"]
    if first is None:
        return ""
    month = DuesState.from_json(row["dues_json"]).paid_until or add_months(first, -1)
    return f"{month.year:04d}-{month.month:02d}"


def _ledger_rows(reach: Reach, t: Thresholds) -> QuerySet[Any]:
    """Both lists' rows, with the ledger's figures."""
    sides = conditions(reach, t)
    return (
        with_records(current_episodes(reach), t)
        .filter(sides["away"] | sides["checked_in_here"])
        .annotate(
            outflow=_outflow(reach),
            certificate_number=_certificate_number(),
            last_life_on=_last_life(t.today),
            **_dues(t.today),
        )
    )


#: The ledger as a list of `members.lists.queries`: its rows, its order (own members first,
#: by branch and name) and the lists' name search.
MOBILE_LEDGER = MobileList(
    "mobile",
    _("Mobile party member ledger"),
    _("Members of yours away, and members of elsewhere checked in with you."),
    _ledger_rows,
    ("-outflow", "home_org__path", "member__name_pinyin", "id"),
)


def _labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in EpisodeStatus.choices}
    labels["outside"] = str(_("Checked in outside the system"))
    return labels


def _status(row: dict[str, Any], labels: dict[str, str]) -> str:
    """As the list shows it: a registered absence with a check-in outside the system is
    checked in there."""
    if row["status"] == EpisodeStatus.REGISTERED and row["outside_org"]:
        return labels["outside"]
    return labels.get(row["status"], str(row["status"]))


def _checked_in_with(row: dict[str, Any], orgs: OrgIndex) -> str:
    if row["inflow_org_id"] is not None:
        return orgs.name(row["inflow_org_id"])
    outside = row["outside_org"]
    if outside:
        return str(_("%(name)s (outside the system)") % {"name": outside})
    return ""


def _destination(row: dict[str, Any]) -> str:
    parts = (row["destination_province"], row["destination_city"], row["destination_county"])
    return "".join(part for part in parts if part)


def _contact(row: dict[str, Any]) -> str:
    return row["contact_partner"] or row["contact_full_name"] or row["contact_username"] or ""


def mobile_ledger(ids: IdNumbers, orgs: OrgIndex) -> Ledger:
    statuses = _labels()
    outflow, inflow = (
        str(pgettext_lazy("mobile", "Outflow")),
        str(pgettext_lazy("mobile", "Inflow")),
    )
    return Ledger(
        title=_("Mobile party member ledger"),
        sheet=_("Mobile members"),
        columns=(
            Column(pgettext_lazy("mobile", "Name"), "name", width=10),
            Column(
                pgettext_lazy("mobile", "Citizen ID number"),
                lambda r: ids.show(r["id_number"], orgs.path(r["member_home_id"])),
                width=21,
                kind="idcard",
            ),
            Column(
                pgettext_lazy("mobile", "Outflow or inflow"),
                lambda r: outflow if r["outflow"] else inflow,
                width=7,
            ),
            Column(
                pgettext_lazy("mobile", "Home branch"),
                lambda r: orgs.name(r["home_org_id"]),
                width=22,
            ),
            Column(pgettext_lazy("mobile", "Date of leaving"), "out_date", width=11, kind="date"),
            Column(
                pgettext_lazy("mobile", "Destination (province/city/county)"),
                _destination,
                width=20,
            ),
            Column(pgettext_lazy("mobile", "Address there"), "destination_address", width=24),
            Column(pgettext_lazy("mobile", "Employer there"), "employer", width=22),
            Column(pgettext_lazy("mobile", "Status"), lambda r: _status(r, statuses), width=12),
            Column(
                pgettext_lazy("mobile", "Checked in with"),
                lambda r: _checked_in_with(r, orgs),
                width=24,
            ),
            Column(
                pgettext_lazy("mobile", "Checked in on"),
                lambda r: r["checked_in_on"] or r["outside_on"],
                width=11,
                kind="date",
            ),
            Column(
                pgettext_lazy("mobile", "Activity certificate number"),
                "certificate_number",
                width=22,
            ),
            Column(pgettext_lazy("mobile", "Designated contact"), _contact, width=10),
            Column(
                pgettext_lazy("mobile", "Last contact"), "last_contacted_on", width=11, kind="date"
            ),
            Column(
                pgettext_lazy("mobile", "Last organizational life"),
                "last_life_on",
                width=11,
                kind="date",
            ),
            Column(pgettext_lazy("mobile", "Dues paid up to (year-month)"), paid_until, width=10),
        ),
    )


class MobileSource(LedgerSource):
    key = "mobile"
    title = _("Mobile party member ledger")
    list_url = "members:away"

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        """The lists' filter as their page applies it (`members.lists.views.mobile_list`): an
        organization outside the user's scope answers 404 (a forged request), a search that
        does not validate is ignored and the rest still applies."""
        form = MobileListForm(data or None, user=user, with_days=False)
        if form.is_bound:
            form.is_valid()
        org: Organization | None = form.value("org")
        reach, t = Reach.of(user), Thresholds()
        if org is not None:
            reach = reach.within(org)
        queryset = MOBILE_LEDGER.queryset(reach, t, search=form.value("q") or "")
        orgs = OrgIndex()
        related = {name: F(path) for name, path in MOBILE_RELATED.items()}
        rows = queryset.values(*MOBILE_FIELDS, **related)
        return Selection(
            ledger=mobile_ledger(ids, orgs),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=queryset.count,
            words=filter_words(FormFilter(form, partial=True)),
            organization=org,
        )


LEDGERS = (MobileSource(),)
