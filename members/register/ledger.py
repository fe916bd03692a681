"""The member roster (党员花名册): the sixteen items of the national member collection form, in
its order, for the members the register lists with the same filter."""

from __future__ import annotations

from typing import Any

from django.db.models import Choices
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection, filter_words
from ledgers.writer import Column, Ledger
from members.models import (
    Education,
    Gender,
    Member,
    PersonnelCategory,
    Standing,
)
from members.register.filters import MemberFilter

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
