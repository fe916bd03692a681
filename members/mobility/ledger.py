"""Importing outflow registrations (外出流动登记) from the Excel template (issue 13): one row per
member leaving, as the outflow report's page takes it.

A row names the member by their ID-card number and name, and fills in the outflow report. It
is checked by the page's own form (`OutflowForm`) and saved by the page's action
(`do_register_outflow`), so an imported absence is exactly one registered by hand: the register
marks the member mobile, the expected inflow organization is told. Only the home side
registers an absence, so a row may name only a member the importer may change
(`members.access.may_change`); any other number, registered elsewhere or nowhere, reads the
same. Names of organizations, staff, members and trades are read as the system writes them and
resolved to their records in one read for the whole file (`OutflowImport.prepare`).

Importing the same file again changes nothing: a member whose current absence left on the same
day for the same place is "unchanged". A member with another current absence is a row error:
the home branch ends that one (the member's return) before registering the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.scoping import Action
from core.validators import normalize_id_number
from ledgers.imports import ImportColumn, ImportSpec, Plan, RowError
from members import access
from members.import_rows import first_row_of, form_errors, not_yours, wrong_name
from members.mobility.actions import do_register_outflow
from members.mobility.forms import OutflowForm
from members.models import (
    CURRENT_STATUSES,
    EpisodeStatus,
    Member,
    MobilityEpisode,
    OccupationCategory,
)
from members.models.choices import GOOD_STANDINGS
from organizations.models import BRANCH_KINDS, Organization, Role, Sector, Trade
from organizations.scope import user_scope

#: The columns that name a record by its name: resolved to its id in `prepare`'s one read.
NAMED = ("intended_org", "contact_person", "contact_member", "trade")

#: What makes a current absence the one a row describes: importing it again changes nothing.
SAME_ABSENCE = ("out_date", "destination_province", "destination_city", "destination_county")


def _header(text: str) -> Any:
    return pgettext_lazy("outflow import", text)


@dataclass
class OutflowImportContext:
    """What every row needs, read once for the whole file: the members under its ID-card
    numbers (with their branches), their current absences, and the records its names name."""

    members: dict[str, Member]
    current: dict[int, MobilityEpisode]
    #: Active branch-level organizations by name (the expected inflow organization).
    orgs: dict[str, list[int]]
    #: Active staff of each home branch, by full name and by user name.
    staff: dict[tuple[int, str], set[int]]
    #: Party members in good standing of each home branch, by name.
    partners: dict[tuple[int, str], list[int]]
    trades: dict[str, int]
    first_row: dict[str, int] = field(default_factory=dict)


class OutflowImport(ImportSpec):
    """Outflow registrations: one absence per row, for members of the importer's branches."""

    key = "outflows"
    title = _("Outflow registrations")
    sheet = _("Outflow registrations")
    list_url = "members:away"
    instructions = (
        _(
            "One row per member leaving, found by the ID-card number and the name: a member of "
            "a branch you work for."
        ),
        _(
            "A member already registered as away on the same date to the same place is left "
            "as is; a member away on another absence must be recorded as returned first."
        ),
        _(
            "Organizations, staff, party members and trades are written by their names as the "
            "system has them."
        ),
    )
    columns = (
        ImportColumn(_header("Name"), "name", required=True, width=10),
        ImportColumn(_header("Citizen ID number"), "id_number", required=True, width=21),
        ImportColumn(_header("Date of leaving"), "out_date", kind="date", required=True, width=11),
        ImportColumn(
            _header("Destination province"), "destination_province", required=True, width=10
        ),
        ImportColumn(_header("Destination city"), "destination_city", width=10),
        ImportColumn(
            _header("Destination county/district"), "destination_county", required=True, width=12
        ),
        ImportColumn(_header("Address there"), "destination_address", width=24),
        ImportColumn(_header("Employer there"), "employer", width=20),
        ImportColumn(
            _header("The employer has a party organization"),
            "employer_has_party_org",
            kind="bool",
            width=10,
        ),
        ImportColumn(
            _header("Employer sector"),
            "employer_sector",
            kind="choice",
            choices=Sector.choices,
            width=14,
        ),
        ImportColumn(
            _header("Occupation category"),
            "occupation",
            kind="choice",
            choices=OccupationCategory.choices,
            required=True,
            width=16,
        ),
        ImportColumn(_header("Reason for leaving"), "reason", required=True, width=16),
        ImportColumn(_header("Expected return"), "expected_return", kind="date", width=11),
        ImportColumn(_header("Phone there"), "phone_there", width=13),
        ImportColumn(
            _header("Expected inflow organization"),
            "intended_org",
            width=22,
            help=_("A branch or station's full name, when it works in the system."),
        ),
        ImportColumn(
            _header("Designated contact"),
            "contact_person",
            width=10,
            help=_("A staff member of the member's branch, by name."),
        ),
        ImportColumn(
            _header("Or a party member as the designated contact"),
            "contact_member",
            width=10,
            help=_(
                "A party member of the member's branch, by name; leave it empty when a staff "
                "member is the designated contact."
            ),
        ),
        ImportColumn(
            _header("Trade"),
            "trade",
            width=12,
            help=_("The trade the member works in there (the drop-down list)."),
        ),
    )

    def may_import(self, user: User) -> bool:
        return user_scope(user).can(Action.CHANGE)

    def choices_for(self, user: User, column: ImportColumn) -> Sequence[str]:
        if column.field == "trade":
            return list(Trade.objects.active().values_list("name", flat=True))
        return super().choices_for(user, column)

    def prepare(self, user: User, rows: list[tuple[int, dict[str, Any]]]) -> Any:
        """Six reads at most, whatever the number of rows: the members, their current
        absences, and the organizations, staff, partners and trades the file names (each read
        only when its column holds a name)."""
        numbers = {normalize_id_number(str(values.get("id_number", ""))) for _n, values in rows}
        members = {
            member.id_number: member
            # Only the importer's own members are read: any other number is "not yours".
            for member in Member.objects.visible_to(user, Action.CHANGE)
            .filter(id_number__in=numbers - {""})
            .select_related("home_org")
        }
        named = {name: {str(v[name]) for _n, v in rows if v.get(name)} for name in NAMED}
        homes = {member.home_org_id for member in members.values()}
        current = {
            episode.member_id: episode
            for episode in MobilityEpisode.objects.filter(
                member__in=list(members.values()), status__in=CURRENT_STATUSES
            )
        }
        orgs: dict[str, list[int]] = {}
        if named["intended_org"]:
            for name, pk in (
                Organization.objects.active()
                .filter(kind__in=BRANCH_KINDS, name__in=named["intended_org"])
                .values_list("name", "id")
            ):
                orgs.setdefault(name, []).append(pk)
        staff: dict[tuple[int, str], set[int]] = {}
        if named["contact_person"] and homes:
            for org_id, user_id, full_name, username in (
                Role.objects.active()
                .filter(organization_id__in=homes)
                .values_list("organization_id", "user_id", "user__full_name", "user__username")
            ):
                for name in {full_name, username} - {""}:
                    staff.setdefault((org_id, name), set()).add(user_id)
        partners: dict[tuple[int, str], list[int]] = {}
        if named["contact_member"] and homes:
            for org_id, name, pk in Member.objects.filter(
                home_org_id__in=homes,
                archived_at__isnull=True,
                standing__in=GOOD_STANDINGS,
                name__in=named["contact_member"],
            ).values_list("home_org_id", "name", "id"):
                partners.setdefault((org_id, name), []).append(pk)
        trades: dict[str, int] = {}
        if named["trade"]:
            trades = dict(
                Trade.objects.active().filter(name__in=named["trade"]).values_list("name", "id")
            )
        return OutflowImportContext(
            members=members,
            current=current,
            orgs=orgs,
            staff=staff,
            partners=partners,
            trades=trades,
        )

    def plan_row(self, user: User, row: int, values: dict[str, Any], prepared: Any) -> Plan:
        context: OutflowImportContext = prepared
        number = normalize_id_number(str(values.get("id_number", "")))
        if number:
            first_row_of(
                context.first_row,
                number,
                row,
                "id_number",
                gettext("The same ID-card number as row %(row)d."),
            )
        member = context.members.get(number)
        if member is None or not access.may_change(user, member):
            raise not_yours()
        if values.get("name", "") != member.name:
            raise wrong_name()
        if member.is_archived:
            raise RowError({"": [gettext("An archived member cannot be registered as leaving.")]})
        try:
            member.require_good_standing()
        except ValidationError as exc:
            raise RowError({"": exc.messages}) from exc
        data = {
            name: value
            for name, value in values.items()
            if value != "" and name not in ("name", "id_number", *NAMED)
        }
        data.update(_resolve(member, values, context))
        form = OutflowForm(data, member=member)
        if "intended_org" in data and "intended_org" not in form.fields:
            # Above the picker's limit the page does not ask for it: the inflow side records
            # the organization at check-in.
            raise RowError(
                {"intended_org": [gettext("Leave this empty: it is recorded at check-in.")]}
            )
        if not form.is_valid():
            raise RowError(form_errors(form))
        fields = form.outflow_fields()
        current = context.current.get(member.pk)
        if current is not None:
            if all(_same(getattr(current, name), fields[name]) for name in SAME_ABSENCE):
                return Plan(row=row, action="unchanged", label=member.name, target=member)
            raise RowError({"out_date": [_away_already(member, current)]})
        return Plan(row=row, action="create", label=member.name, data=fields, target=member)

    def apply(self, user: User, plan: Plan) -> None:
        do_register_outflow(actor=user, member=plan.target, **plan.data)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) or isinstance(new, str):
        return (old or "").strip() == (new or "").strip()
    return bool(old == new)


def _resolve(
    member: Member, values: dict[str, Any], context: OutflowImportContext
) -> dict[str, Any]:
    """The named records of a row as the form's ids, or a row error for a name that names
    nothing (or several things) among what the form offers for this member."""
    found: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    home = member.home_org_id
    name = values.get("intended_org", "")
    if name:
        ids = context.orgs.get(name, [])
        if len(ids) == 1:
            found["intended_org"] = ids[0]
        elif not ids:
            errors["intended_org"] = [
                gettext("No branch or station has this name: leave it empty if unsure.")
            ]
        else:
            errors["intended_org"] = [
                gettext("Several organizations have this name: leave it empty if unsure.")
            ]
    name = values.get("contact_person", "")
    if name:
        users = context.staff.get((home, name), set())
        if len(users) == 1:
            found["contact_person"] = next(iter(users))
        else:
            errors["contact_person"] = [
                gettext("No staff member of %(branch)s has this name.")
                % {"branch": member.home_org.name}
                if not users
                else gettext("Several staff members of %(branch)s have this name.")
                % {"branch": member.home_org.name}
            ]
    name = values.get("contact_member", "")
    if name:
        partners = [pk for pk in context.partners.get((home, name), []) if pk != member.pk]
        if len(partners) == 1:
            found["contact_member"] = partners[0]
        else:
            errors["contact_member"] = [
                gettext("No other party member in good standing of %(branch)s has this name.")
                % {"branch": member.home_org.name}
                if not partners
                else gettext("Several party members of %(branch)s have this name.")
                % {"branch": member.home_org.name}
            ]
    name = values.get("trade", "")
    if name:
        if name in context.trades:
            found["trade"] = context.trades[name]
        else:
            errors["trade"] = [gettext("No trade has this name: choose it from the list.")]
    if errors:
        raise RowError(errors)
    return found


def _away_already(member: Member, current: MobilityEpisode) -> str:
    words = {
        "name": member.name,
        "date": current.out_date.isoformat(),
        "place": current.destination,
    }
    if current.status == EpisodeStatus.LOST:
        return (
            gettext(
                "%(name)s is away and lost contact (since %(date)s, to %(place)s): record "
                "finding them, or their return, before registering another absence."
            )
            % words
        )
    return (
        gettext(
            "%(name)s is already away (since %(date)s, to %(place)s): record their return before "
            "registering another absence."
        )
        % words
    )


IMPORTS = (OutflowImport(),)
