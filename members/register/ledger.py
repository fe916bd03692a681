"""The member roster (党员花名册): the sixteen items of the national member collection form, in
its order, for the members the register lists with the same filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Choices, Model
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.scoping import Action
from core.types import AnyUser
from core.validators import normalize_id_number
from ledgers.imports import ImportColumn, ImportSpec, Plan, RowError
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from members import access
from members.import_rows import form_errors
from members.models import (
    ETHNICITY_CHOICES,
    Education,
    Gender,
    Member,
    Membership,
    PersonnelCategory,
    Standing,
)
from members.register import actions
from members.register.filters import MemberFilter
from members.register.forms import MemberForm
from organizations.models import Organization, relationship_kinds
from organizations.scope import user_scope

#: What the roster reads of a member: the form's items and the sort keys, not all thirty.
ROSTER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "personnel_category",
    "home_org_id",
    "joined_on",
    "full_member_on",
    "job",
    "phone",
    "home_address",
    "standing",
    "lost_contact",
    "lost_contact_since",
    "is_mobile",
    "mobile_destination",
)


def labels(choices: type[Choices]) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def yes_no(value: bool) -> str:
    return str(_("Yes")) if value else str(_("No"))


def year_month(value: Any) -> str:
    return f"{value.year:04d}-{value.month:02d}" if value else ""


def roster_ledger(ids: IdNumbers, orgs: OrgIndex) -> Ledger:
    gender, education, category = labels(Gender), labels(Education), labels(PersonnelCategory)
    standing = labels(Standing)
    yes, no = yes_no(True), yes_no(False)
    return Ledger(
        title=_("Party member roster"),
        sheet=_("Roster"),
        columns=(
            Column(pgettext_lazy("roster", "Name"), "name", width=10),
            Column(
                pgettext_lazy("roster", "Gender"),
                lambda r: gender.get(r["gender"], r["gender"]),
                width=6,
            ),
            Column(pgettext_lazy("roster", "Ethnicity"), "ethnicity", width=8),
            Column(
                pgettext_lazy("roster", "Citizen ID number"),
                lambda r: ids.show(r["id_number"], orgs.path(r["home_org_id"])),
                width=21,
                kind="idcard",
            ),
            Column(pgettext_lazy("roster", "Birth date"), "birth_date", width=11, kind="date"),
            Column(
                pgettext_lazy("roster", "Education"),
                lambda r: education.get(r["education"], ""),
                width=10,
            ),
            Column(
                pgettext_lazy("roster", "Personnel category"),
                lambda r: category.get(r["personnel_category"], ""),
                width=12,
            ),
            Column(
                pgettext_lazy("roster", "Branch"), lambda r: orgs.name(r["home_org_id"]), width=22
            ),
            Column(
                pgettext_lazy("roster", "Date joined the party"), "joined_on", width=11, kind="date"
            ),
            Column(
                pgettext_lazy("roster", "Date made full member"),
                "full_member_on",
                width=11,
                kind="date",
            ),
            Column(pgettext_lazy("roster", "Job"), "job", width=14),
            Column(pgettext_lazy("roster", "Phone"), "phone", width=13),
            Column(pgettext_lazy("roster", "Home address"), "home_address", width=24),
            Column(
                pgettext_lazy("roster", "Party standing"),
                lambda r: standing.get(r["standing"], ""),
                width=9,
            ),
            Column(
                pgettext_lazy("roster", "Lost contact"),
                lambda r: yes if r["lost_contact"] else no,
                width=6,
            ),
            Column(
                pgettext_lazy("roster", "Lost contact since (year-month)"),
                lambda r: year_month(r["lost_contact_since"]) if r["lost_contact"] else "",
                width=10,
            ),
            Column(
                pgettext_lazy("roster", "Mobile member"),
                lambda r: yes if r["is_mobile"] else no,
                width=6,
            ),
            Column(
                pgettext_lazy("roster", "Destination (province/city/county)"),
                lambda r: r["mobile_destination"] if r["is_mobile"] else "",
                width=20,
            ),
        ),
    )


class RosterSource(LedgerSource):
    key = "roster"
    title = _("Party member roster")
    list_url = "members:list"

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        base = Member.objects.visible_to(user)
        filterset = MemberFilter(data or None, queryset=base, user=user)
        if filterset.is_bound and filterset.is_valid():
            queryset = filterset.qs
            organization = filterset.form.cleaned_data.get("org")
        else:
            queryset, organization = base.active(), None
        queryset = queryset.order_by()
        orgs = OrgIndex()
        rows = queryset.order_by("home_org__path", "name_pinyin", "id").values(*ROSTER_FIELDS)
        return Selection(
            ledger=roster_ledger(ids, orgs),
            rows=lambda: rows.iterator(chunk_size=2_000),
            count=queryset.count,
            words=filter_words(filterset),
            organization=organization,
        )


LEDGERS = (RosterSource(),)


# The import --------------------------------------------------------------------------------


def _header(text: str) -> Any:
    return pgettext_lazy("roster", text)


@dataclass
class MemberImportContext:
    """What every row of a member import needs, read once: the branches the importer may put
    members in (by name), the members already registered under the file's ID-card numbers,
    and the first row of each number in the file."""

    branches: dict[str, list[int]]
    existing: dict[str, Member]
    first_row: dict[str, int] = field(default_factory=dict)


class MemberImport(ImportSpec):
    """New members, and updates to registered ones matched by their ID-card number, checked by
    the member form of the register's pages (`MemberForm`) and saved by its actions. Standing,
    lost contact and mobility are not imported: each changes through its own procedure."""

    key = "members"
    title = _("Party members")
    sheet = _("Party members")
    list_url = "members:list"
    instructions = (
        _(
            "A member whose ID-card number is already registered in your organizations is "
            "updated: only the columns filled in change; an empty cell keeps what is there."
        ),
        _("Birth date and gender may be left empty: the ID-card number gives them."),
    )
    columns = (
        ImportColumn(_header("Name"), "name", required=True, width=10),
        ImportColumn(_header("Gender"), "gender", kind="choice", choices=Gender.choices, width=6),
        ImportColumn(
            _header("Ethnicity"),
            "ethnicity",
            kind="choice",
            choices=ETHNICITY_CHOICES,
            required=True,
            width=8,
        ),
        ImportColumn(_header("Citizen ID number"), "id_number", required=True, width=21),
        ImportColumn(_header("Birth date"), "birth_date", kind="date", width=11),
        ImportColumn(
            _header("Education"),
            "education",
            kind="choice",
            choices=Education.choices,
            required=True,
            width=12,
        ),
        ImportColumn(
            _header("Personnel category"),
            "personnel_category",
            kind="choice",
            choices=PersonnelCategory.choices,
            required=True,
            width=14,
        ),
        ImportColumn(
            _header("Branch"),
            "home_org",
            required=True,
            width=22,
            help=_("The branch's name as the system writes it (the drop-down list)."),
        ),
        ImportColumn(_header("Date joined the party"), "joined_on", kind="date", required=True),
        ImportColumn(_header("Date made full member"), "full_member_on", kind="date"),
        ImportColumn(
            _header("Membership type"), "membership", kind="choice", choices=Membership.choices
        ),
        ImportColumn(_header("Job"), "job"),
        ImportColumn(_header("Phone"), "phone", width=13),
        ImportColumn(_header("Home address"), "home_address", width=24),
        ImportColumn(_header("Household registration place"), "household_registration"),
        ImportColumn(_header("Current residence"), "residence", width=20),
        ImportColumn(_header("Employer"), "employer", width=20),
    )

    def may_import(self, user: User) -> bool:
        return user_scope(user).can(Action.CHANGE)

    def _branches(self, user: User) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        rows = (
            Organization.objects.visible_to(user, Action.CHANGE)
            .filter(kind__in=relationship_kinds())
            .order_by("path")
            .values_list("name", "id")
        )
        for name, pk in rows:
            found.setdefault(name, []).append(pk)
        return found

    def choices_for(self, user: User, column: ImportColumn) -> Sequence[str]:
        if column.field == "home_org":
            return list(self._branches(user))
        return super().choices_for(user, column)

    def prepare(self, user: User, rows: list[tuple[int, dict[str, Any]]]) -> Any:
        numbers = {normalize_id_number(str(values.get("id_number", ""))) for _n, values in rows}
        existing = Member.objects.filter(id_number__in=numbers - {""}).select_related("home_org")
        return MemberImportContext(
            branches=self._branches(user),
            existing={member.id_number: member for member in existing},
        )

    def plan_row(self, user: User, row: int, values: dict[str, Any], prepared: Any) -> Plan:
        context: MemberImportContext = prepared
        number = normalize_id_number(str(values.get("id_number", "")))
        if number:
            first = context.first_row.setdefault(number, row)
            if first != row:
                raise RowError(
                    {
                        "id_number": [
                            gettext("The same ID-card number as row %(row)d.") % {"row": first}
                        ]
                    }
                )
        branch = values.get("home_org", "")
        org_ids = context.branches.get(branch, [])
        if branch and not org_ids:
            raise RowError(
                {
                    "home_org": [
                        gettext("No branch of yours has this name: choose it from the list.")
                    ]
                }
            )
        if len(org_ids) > 1:
            raise RowError(
                {"home_org": [gettext("Several of your branches have this name: ask the county.")]}
            )
        data = {name: value for name, value in values.items() if value != ""}
        if org_ids:
            data["home_org"] = org_ids[0]
        member = context.existing.get(number)
        fields = MemberForm.Meta.fields
        label = str(values.get("name") or number)
        if member is not None and access.may_change(user, member):
            if member.is_archived:
                raise RowError(
                    {"": [gettext("This member is archived: restore them before importing.")]}
                )
            current = model_to_dict(member, fields)
            form = MemberForm({**current, **data}, instance=member, actor=user)
            if not form.is_valid():
                raise RowError(form_errors(form))
            changed = {
                name: form.cleaned_data[name]
                for name in fields
                if _differs(form.cleaned_data[name], current.get(name))
            }
            if not changed:
                return Plan(row=row, action="unchanged", label=label, target=member)
            return Plan(row=row, action="update", label=label, data=changed, target=member)
        data.setdefault("membership", Membership.FULL)
        form = MemberForm(data, actor=user)
        if not form.is_valid():
            raise RowError(form_errors(form))
        return Plan(
            row=row,
            action="create",
            label=label,
            data={name: form.cleaned_data[name] for name in fields},
        )

    def apply(self, user: User, plan: Plan) -> None:
        if plan.action == "create":
            actions.do_create_member(actor=user, **plan.data)
        elif plan.action == "update":
            actions.do_update_member(actor=user, member=plan.target, **plan.data)


def _differs(new: Any, old: Any) -> bool:
    if isinstance(new, Model):
        return bool(new.pk != old)
    return bool((new or None) != (old or None))


IMPORTS = (MemberImport(),)
