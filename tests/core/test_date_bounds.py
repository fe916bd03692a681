"""Issue 9, item 15: dates nobody could mean (year 0001, year 9999) were accepted almost
everywhere, and one far-future outflow date made the "away" list answer 500 for the branch, the
township and the county. One rule for every date field (core.validators.DateBounds): not before
1900, not in the future unless the date is a plan, never more than DATE_MAX_YEARS_AHEAD years
ahead; a model's date fields carry it as validators (so actions refuse too), other forms' date
fields are core.forms.DateField."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.forms import DateField
from core.validators import DateBounds, past_date, plan_date
from members.builders import away, check_in
from members.mobility.actions import do_record_contact
from members.models import MobilityEpisode
from transfers.builders import transfer_in
from transfers.models import TransferStatus

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)
PROJECT_APPS = ("core", "organizations", "members", "transfers", "education", "services")
FORM_MODULES = (
    "members.register.forms",
    "members.mobility.forms",
    "members.found.forms",
    "members.certificates.forms",
    "members.lists.forms",
    "transfers.forms",
    "organizations.forms",
)


def _code(check: Callable[[], None]) -> str | None:
    try:
        check()
    except ValidationError as exc:
        return exc.code
    return None


@pytest.mark.parametrize(
    ("rule", "day", "code"),
    [
        (past_date, dt.date(1, 1, 1), "date_too_early"),
        (past_date, dt.date(1899, 12, 31), "date_too_early"),
        (past_date, dt.date(1900, 1, 1), None),
        (past_date, TODAY, None),
        (past_date, TOMORROW, "date_future"),
        (past_date, dt.date(9999, 12, 31), "date_future"),
        (plan_date, TOMORROW, None),
        (plan_date, TODAY.replace(year=TODAY.year + 9), None),
        (plan_date, TODAY.replace(year=TODAY.year + 11), "date_too_far"),
        (plan_date, dt.date(9999, 12, 31), "date_too_far"),
        (plan_date, dt.date(1, 1, 1), "date_too_early"),
    ],
)
def test_the_one_rule(rule, day, code):
    """Issue 9, item 15: not before 1900, not in the future unless a plan, never far ahead."""
    assert _code(lambda: rule(day)) == code


def test_the_years_ahead_are_a_setting(settings):
    """Issue 9, item 15: "never more than a setting's number of years ahead"."""
    settings.DATE_MAX_YEARS_AHEAD = 1
    assert _code(lambda: plan_date(TODAY.replace(year=TODAY.year + 2))) == "date_too_far"


def test_every_date_field_of_every_model_carries_the_rule():
    """Issue 9, item 15: implemented once, on the models, so actions refuse as pages do."""
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        if not any(isinstance(v, DateBounds) for v in field.validators)
    ]
    assert missing == []


def test_every_date_field_of_every_form_carries_the_rule():
    """Issue 9, item 15: a form's own date fields are core.forms.DateField (a model form's
    come from the model and are checked by the model's validators)."""
    missing = [
        f"{module}.{name}.{field_name}"
        for module in FORM_MODULES
        for name, form_class in inspect.getmembers(import_module(module), inspect.isclass)
        if issubclass(form_class, forms.BaseForm)
        for field_name, field in getattr(form_class, "declared_fields", {}).items()
        if isinstance(field, forms.DateField) and not isinstance(field, DateField)
    ]
    assert missing == []


def test_an_action_refuses_an_impossible_date(members, secretary):
    """Issue 9, item 15: the rule is on the model, so an action called without a form refuses."""
    member = members["a1"]
    away(member, actor=secretary)
    with pytest.raises(ValidationError) as refused:
        do_record_contact(
            actor=secretary,
            member=member,
            contacted_on=dt.date(1, 1, 1),
            channel="phone",
            summary="电话",
        )
    assert "contacted_on" in refused.value.message_dict


@pytest.fixture
def world(tree, members, secretary, town, station):
    """An away member of A1 checked in at the station, and a transfer of A2's member issued."""
    member = members["a1"]
    episode = away(member, actor=secretary)
    check_in(member, actor=station, at=tree.bs)
    transfer = transfer_in(TransferStatus.DRAFT, member=members["a2"], to=tree.b1, actor=town)
    return {"member": member.pk, "episode": episode.pk, "transfer": transfer.pk}


#: (page, persona, date field, value, expected code): the pages the finding names (member form,
#: outflow, contacts, reports, finding attempts, certificates, check-in, approvals, returns).
PAGES = [
    ("members:create", (), "secretary", "joined_on", "0001-01-01", "date_too_early"),
    ("members:create", (), "secretary", "birth_date", "9999-12-31", "date_future"),
    ("members:edit", ("member",), "secretary", "full_member_on", "0001-01-01", "date_too_early"),
    ("members:outflow", ("member",), "secretary", "out_date", "0001-01-01", "date_too_early"),
    ("members:outflow", ("member",), "secretary", "expected_return", "9999-12-31", "date_too_far"),
    ("members:contact_new", ("member",), "secretary", "contacted_on", "9999-12-31", "date_future"),
    ("members:report_new", ("member",), "secretary", "reported_on", "0001-01-01", "date_too_early"),
    ("members:finding_new", ("member",), "secretary", "attempted_on", "9999-12-31", "date_future"),
    ("members:mark_lost", ("member",), "secretary", "since", "0001-01-01", "date_too_early"),
    (
        "members:certificate_issue",
        ("member",),
        "secretary",
        "issued_on",
        "9999-12-31",
        "date_future",
    ),
    (
        "members:certificate_issue",
        ("member",),
        "secretary",
        "valid_until",
        "9999-12-31",
        "date_too_far",
    ),
    ("members:check_in", (), "station", "checked_in_on", TOMORROW.isoformat(), "date_future"),
    ("members:check_in", (), "station", "checked_in_on", "0001-01-01", "date_too_early"),
    ("members:found_new", (), "station", "arrived_on", "9999-12-31", "date_future"),
    (
        "members:end_episode",
        ("member", "episode"),
        "secretary",
        "ended_on",
        "9999-12-31",
        "date_future",
    ),
    ("transfers:approve", ("transfer",), "town", "issue_on", "0001-01-01", "date_too_early"),
    ("transfers:issue", ("transfer",), "town", "issued_on", "9999-12-31", "date_future"),
    ("transfers:start", ("member",), "secretary", "dues_paid_until", "9999-12", "date_too_far"),
]


@pytest.mark.parametrize(("name", "args", "persona", "field", "value", "code"), PAGES)
def test_impossible_dates_are_field_errors(
    world, personas, login, name, args, persona, field, value, code
):
    """Issue 9, item 15: year 0001, year 9999 and (for what happened) tomorrow are refused on
    every page with a date, as a field error, saving nothing."""
    url = reverse(name, args=[world[a] for a in args])
    response = login(personas[persona]).post(url, {field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert code in [e.code for e in errors.get(field, [])], errors


@pytest.mark.parametrize("stored", [dt.date(9999, 12, 1), dt.date(1, 1, 1)])
def test_a_stored_far_future_outflow_date_does_not_break_the_lists(
    members, secretary, town, county, login, stored
):
    """Issue 9, item 15: one far-future outflow date made the "away" list answer 500 for the
    branch, the township and the county (the report due date, leaving plus months, passed year
    9999). A row stored before the rule existed must not break the lists."""
    episode = away(members["a1"], actor=secretary)
    MobilityEpisode.objects.filter(pk=episode.pk).update(out_date=stored)
    for user in (secretary, town, county):
        client = login(user)
        for slug in ("away", "not_checked_in", "contact_overdue", "report_overdue"):
            assert client.get(reverse(f"members:{slug}")).status_code == 200, (user, slug)
        assert client.get(reverse("members:mobile")).status_code == 200
        assert client.get(reverse("members:detail", args=[members["a1"].pk])).status_code == 200
