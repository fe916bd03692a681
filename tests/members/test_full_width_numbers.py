"""Issue 9, item 14: full-width digits in ID-card numbers (330122... typed full-width) and
phone numbers passed validation and were stored as typed, so one person could be registered
twice past the duplicate check. Every entry point now reads them as ASCII before validating and
storing: the member form, the check-in lookup, the found-person forms and the searches; stored
rows are fixed by a data migration that reports the duplicates it finds instead of merging them.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import IdNumberField, PhoneField
from core.validators import (
    ascii_digits,
    normalize_id_number,
    validate_id_number,
    validate_mobile_phone,
)
from members.builders import away
from members.models import FoundArrival, Member, MobilityEpisode
from tests.factories import MemberFactory, make_id_number
from tests.members.register.test_forms import NEW_ID, card

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789X"})
#: An ID-card number nobody in the tree holds, and as a Chinese input method types it.
OUTSIDER = make_id_number(dt.date(1988, 8, 8), sequence=777, gender="M", region="330102")


def wide(text: str) -> str:
    return text.translate(FULL)


def test_digits_of_every_script_become_ascii():
    """Issue 9, item 14: full-width, Arabic-Indic and Devanagari digits read as ASCII; a
    superscript is not a digit and stays (so it fails validation instead of passing as 2)."""
    assert ascii_digits(wide("3301") + "\u0663\u0969 \uff58") == "330133 x"
    assert normalize_id_number(" " + wide("3301") + " " + wide("22") + "\uff58 ") == "330122X"
    assert ascii_digits("²") == "²"


def test_the_validators_take_ascii_digits_only():
    """Issue 9, item 14: `\\d` matched full-width digits, so the model's validator let them in
    unnormalised; a superscript is refused as a bad character."""
    with pytest.raises(ValidationError) as refused:
        validate_id_number(NEW_ID[:5] + "²" + NEW_ID[6:])
    assert refused.value.code == "id_format"
    with pytest.raises(ValidationError):
        validate_mobile_phone("1371234567²")
    assert IdNumberField().clean(wide(NEW_ID)) == NEW_ID
    assert PhoneField().clean(wide("137 1234 5678")) == "13712345678"


def test_the_member_form_stores_ascii_and_sees_the_duplicate(tree, members, secretary, login):
    """Issue 9, item 14: the member form (entry point 1)."""
    client = login(secretary)
    response = client.post(
        reverse("members:create"), card(tree.a1, id_number=wide(NEW_ID), phone=wide("13712345678"))
    )
    assert response.status_code == 302
    member = Member.objects.get(name="刘备")
    assert (member.id_number, member.phone) == (NEW_ID, "13712345678")

    existing = members["a1"]
    response = client.post(
        reverse("members:create"), card(tree.a1, name="刘二", id_number=wide(existing.id_number))
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["id_number"]] == ["duplicate"]
    assert not Member.objects.filter(name="刘二").exists()


def test_the_check_in_lookup_finds_the_member_typed_full_width(
    tree, members, secretary, station, login
):
    """Issue 9, item 14: the check-in lookup (entry point 2)."""
    member = members["a1"]
    away(member, actor=secretary)
    response = login(station).post(
        reverse("members:check_in"),
        {
            "id_number": wide(member.id_number),
            "name": member.name,
            "checked_in_on": dt.date.today().isoformat(),
            "inflow_org": tree.bs.pk,
            "routing_override_reason": "就近报到",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.inflow_org == tree.bs


def test_the_found_forms_store_ascii(tree, members, station, login):
    """Issue 9, item 14: the found-person forms (entry point 3): a found arrival's number and
    phone are stored in ASCII, and a member's number typed full-width is still recognised."""
    client = login(station)
    response = client.post(
        reverse("members:found_new"),
        {
            "id_number": wide(OUTSIDER),
            "name": "赵外来",
            "phone": wide("13911112222"),
            "claimed_home_org": "浙江省某县某村党支部",
            "arrived_on": dt.date.today().isoformat(),
            "residence": "乙镇新村",
            "employer": "乙镇砖厂",
            "inflow_org": tree.bs.pk,
            "step": "record",
        },
    )
    assert response.status_code == 302
    arrival = FoundArrival.objects.get()
    assert (arrival.id_number, arrival.phone) == (OUTSIDER, "13911112222")

    member = members["a1"]
    form = client.post(
        reverse("members:found_member"),
        {
            "id_number": wide(member.id_number),
            "name": member.name,
            "arrived_on": dt.date.today().isoformat(),
            "destination_province": "浙江省",
            "destination_county": "乙县",
            "occupation": "migrant",
            "inflow_org": tree.bs.pk,
            "phone_there": wide("13911112222"),
            "routing_override_reason": "就近报到",
            "step": "register",
        },
    )
    assert form.status_code == 302
    assert MobilityEpisode.objects.get(member=member).phone_there == "13911112222"


def test_the_searches_read_full_width_digits(members, secretary, login):
    """Issue 9, item 14: the searches (entry point 4): the register's and the lists' search."""
    member = members["a1"]
    assert list(Member.objects.search(wide(member.id_number))) == [member]
    page = login(secretary).get(reverse("members:list"), {"q": wide(member.id_number)})
    assert page.status_code == 200
    assert member.name in page.content.decode()


def test_the_migration_fixes_stored_rows_and_reports_duplicates(tree, members):
    """Issue 9, item 14: the data migration normalises stored numbers; a number that would then
    equal another member's is left as stored and reported, not merged."""
    migration = import_module("members.migrations.0005_ascii_id_numbers_and_phones")
    lone = MemberFactory.create(name="全角一", home_org=tree.a1)
    twin = members["a2"]
    Member.objects.filter(pk=lone.pk).update(
        id_number=wide(lone.id_number), phone=wide("13700000001")
    )
    Member.objects.filter(pk=members["b1"].pk).update(id_number=wide(twin.id_number))

    report = migration.normalise_stored_numbers(apps)

    lone.refresh_from_db()
    assert (lone.id_number, lone.phone) == (normalize_id_number(lone.id_number), "13700000001")
    assert lone.id_number.isascii()
    [line] = report
    assert f"member {members['b1'].pk}" in line
    assert f"member {twin.pk}'s" in line
    assert twin.id_number not in line  # masked
    assert Member.objects.get(pk=members["b1"].pk).id_number == wide(twin.id_number)
