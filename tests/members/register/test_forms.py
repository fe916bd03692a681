"""Registering and editing a member: bad input is refused field by field, and nothing changes.

Where a validator gives an error code, the code is checked; otherwise the message is checked for
the fact it must tell (the date the ID gives, the earliest date of joining), not for its wording,
which the translators own. `test_errors_are_in_chinese` checks the language.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.urls import reverse

from core.validators import id_check_char
from members.models import Member
from tests.factories import MemberFactory, archive, make_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

CHINESE = re.compile("[\u4e00-\u9fff]")
BIRTH = dt.date(1990, 3, 7)
NEW_ID = make_id_number(BIRTH, sequence=321, gender="M")


def card(org, **overrides: Any) -> dict[str, Any]:
    """The register form as a person fills it in; birth date and gender left to the ID."""
    data: dict[str, Any] = {
        "name": "刘备",
        "id_number": NEW_ID,
        "gender": "",
        "birth_date": "",
        "ethnicity": "汉族",
        "education": "undergraduate",
        "personnel_category": "migrant",
        "home_org": org.pk,
        "joined_on": "2012-07-01",
        "full_member_on": "2013-07-01",
        "membership": "full",
        "standing": "normal",
        "phone": "13712345678",
        "job": "",
        "employer": "",
        "home_address": "",
        "household_registration": "",
        "residence": "",
        "mobile_destination": "",
        "lost_contact_since": "",
    }
    data.update(overrides)
    return data


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should come back with its errors"
    return dict(response.context["form"].errors)


def _codes(response, field: str) -> list[str | None]:
    return [e.code for e in response.context["form"].errors.as_data()[field]]


@pytest.fixture
def create(secretary, login):
    client = login(secretary)

    def post(data: dict[str, Any]):
        return client.post(reverse("members:create"), data)

    return post


def test_a_good_card_registers_the_member_with_birth_and_gender_from_the_id(tree, create):
    response = create(card(tree.a1))
    member = Member.objects.get(id_number=NEW_ID)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.birth_date, member.gender, member.home_org) == (BIRTH, "M", tree.a1)
    assert (member.name_pinyin, member.name_initials) == ("liubei", "lb")


def test_a_lowercase_x_is_stored_uppercase(tree, create):
    first17 = "11010519491231002"
    response = create(
        card(tree.a1, id_number=first17 + "x", joined_on="1975-01-01", full_member_on="1976-01-01")
    )
    assert response.status_code == 302
    assert Member.objects.filter(id_number=first17 + id_check_char(first17)).exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id_number", NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1"), "id_check_digit"),
        ("id_number", NEW_ID[:16], "id_length"),
        ("id_number", "110101199002300015", "id_birth"),
        ("phone", "1371234567", "phone"),
        ("phone", "137123456789", None),  # longer than the field: Django's max_length
        ("phone", "23712345678", "phone"),
    ],
)
def test_bad_identity_data_is_refused(tree, create, field, value, code):
    response = create(card(tree.a1, **{field: value}))
    assert field in _errors(response)
    if code:
        assert code in _codes(response, field)
    assert not Member.objects.filter(name="刘备").exists()


def test_joining_before_eighteen_is_refused(tree, create):
    response = create(card(tree.a1, joined_on="2008-03-06", full_member_on="2009-03-06"))
    [message] = _errors(response)["joined_on"]
    assert "2008-03-07" in message  # the eighteenth birthday: the earliest possible date
    assert not Member.objects.filter(name="刘备").exists()


def test_joining_on_the_eighteenth_birthday_is_accepted(tree, create):
    assert (
        create(card(tree.a1, joined_on="2008-03-07", full_member_on="2009-03-07")).status_code
        == 302
    )


def test_joining_in_the_future_is_refused(tree, create):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = create(card(tree.a1, joined_on=tomorrow.isoformat(), full_member_on=""))
    assert len(_errors(response)["joined_on"]) == 1


def _shown_errors(response) -> list[str]:
    """The error messages as rendered on the page (the form's own are lazy, and would be
    translated in the test's language instead of the request's)."""
    lists = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', response.content.decode(), re.S)
    return [html.unescape(li) for ul in lists for li in re.findall(r"<li>(.*?)</li>", ul, re.S)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"id_number": NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")},
        {"gender": "F"},
        {"joined_on": "2001-01-01", "full_member_on": "2002-01-01"},
        {"phone": "123"},
    ],
    ids=["check-digit", "gender", "too-young", "phone"],
)
def test_errors_are_in_chinese_unless_english_is_chosen(tree, secretary, login, overrides):
    client = login(secretary)
    chinese = _shown_errors(client.post(reverse("members:create"), card(tree.a1, **overrides)))
    client.post(reverse("set_language"), {"language": "en"})
    english = _shown_errors(client.post(reverse("members:create"), card(tree.a1, **overrides)))
    assert len(chinese) == len(english) == 1
    assert CHINESE.search(chinese[0]), chinese
    assert not CHINESE.search(english[0]), english


def test_a_birth_date_that_contradicts_the_id_is_refused(tree, create):
    response = create(card(tree.a1, birth_date="1990-03-08"))
    [message] = _errors(response)["birth_date"]
    assert "1990-03-07" in message  # the date the ID-card number gives
    assert not Member.objects.filter(name="刘备").exists()


def test_a_gender_that_contradicts_the_id_is_refused(tree, create):
    response = create(card(tree.a1, gender="F"))
    errors = _errors(response)
    assert list(errors) == ["gender"]
    assert len(errors["gender"]) == 1
    assert not Member.objects.filter(name="刘备").exists()


def test_a_full_member_needs_the_date_they_became_full(tree, create):
    response = create(card(tree.a1, full_member_on=""))
    assert list(_errors(response)) == ["full_member_on"]


def test_a_duplicate_id_names_the_holder_the_user_may_see(tree, members, create):
    holder = members["a1"]
    response = create(card(tree.a1, id_number=holder.id_number))
    [message] = _errors(response)["id_number"]
    assert _codes(response, "id_number") == ["duplicate"]
    assert holder.name in message
    assert holder.home_org.name in message
    assert reverse("members:detail", args=[holder.pk]) in message


def test_a_duplicate_id_out_of_scope_does_not_say_who_holds_it(tree, members, create):
    holder = members["b1"]
    response = create(card(tree.a1, id_number=holder.id_number))
    [message] = _errors(response)["id_number"]
    assert _codes(response, "id_number") == ["duplicate"]
    assert holder.name not in message
    assert holder.home_org.name not in message
    assert str(holder.pk) not in message
    assert holder.name not in response.content.decode()


def test_the_holders_name_is_escaped_in_the_duplicate_message(tree, create):
    holder = MemberFactory.create(name="<b>王</b>", home_org=tree.a1)
    response = create(card(tree.a1, id_number=holder.id_number))
    page = response.content.decode()
    assert "&lt;b&gt;王&lt;/b&gt;" in page
    assert "<b>王</b>" not in page


def test_a_duplicate_id_names_a_holder_shared_with_the_user(
    tree, members, station, login, settings
):
    # The station sees the shared member, so it may be told who holds the number (where
    # stations hold members at all: issue 9, item 10).
    settings.STATIONS_HOLD_MEMBERS = True
    holder = members["shared"]
    client = login(station)
    response = client.post(reverse("members:create"), card(tree.bs, id_number=holder.id_number))
    [message] = _errors(response)["id_number"]
    assert holder.name in message


@pytest.mark.parametrize("org", ["b1", "town_b", "county"])
def test_a_forged_organization_outside_the_scope_is_404_and_saves_nothing(tree, create, org):
    before = Member.objects.count()
    response = create(card(getattr(tree, org)))
    assert response.status_code == 404
    assert Member.objects.count() == before


def test_the_picker_offers_only_branches_the_user_may_change(tree, town, login):
    response = login(town).get(reverse("members:create"))
    offered = set(response.context["form"].fields["home_org"].queryset)
    # Township A's branches; not the township itself (it holds no members), nor township B.
    assert offered == {tree.a1, tree.a2}


# --- Editing -------------------------------------------------------------------------------


@pytest.fixture
def edit(secretary, login, members):
    client = login(secretary)
    member = members["a1"]

    def post(**overrides: Any):
        data = card(
            member.home_org,
            name=member.name,
            id_number="",  # left empty: keep the number on file
            joined_on=member.joined_on.isoformat(),
            full_member_on=member.full_member_on.isoformat(),
            phone=member.phone,
        )
        data.update(overrides)
        return client.post(reverse("members:edit", args=[member.pk]), data)

    return post


def test_edit_keeps_the_id_number_when_left_empty(members, edit):
    member = members["a1"]
    response = edit(name="王甲一改", job="快递员")
    member.refresh_from_db()
    assert response.status_code == 302
    assert (member.name, member.job, member.name_pinyin) == ("王甲一改", "快递员", "wangjiayigai")
    assert member.id_number == members["a1"].id_number


def test_the_edit_page_never_shows_the_full_id_number(members, secretary, login):
    member = members["a1"]
    page = login(secretary).get(reverse("members:edit", args=[member.pk])).content.decode()
    assert member.id_number not in page
    assert member.masked_id_number in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345"},
        {"id_number": "110101199003070010"},  # wrong check digit
        {"gender": "opposite"},
        {"joined_on": "1961-01-01", "full_member_on": "1962-01-01"},
        {"name": ""},
    ],
    ids=["phone", "check-digit", "gender", "too-young", "no-name"],
)
def test_a_bad_edit_rerenders_and_changes_nothing(members, edit, overrides):
    member = members["a1"]
    before = Member.objects.values().get(pk=member.pk)
    if overrides.get("gender") == "opposite":
        overrides = {"gender": "F" if member.gender == "M" else "M"}
    response = edit(**overrides)
    assert _errors(response)
    assert Member.objects.values().get(pk=member.pk) == before


def test_an_edit_cannot_take_the_id_of_another_member(members, edit):
    response = edit(id_number=members["b1"].id_number)
    assert _codes(response, "id_number") == ["duplicate"]
    assert Member.objects.get(pk=members["a1"].pk).id_number == members["a1"].id_number


def test_an_edit_moving_the_member_out_of_scope_is_404(tree, members, edit):
    response = edit(home_org=tree.b1.pk)
    assert response.status_code == 404
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.a1


def test_the_township_moves_a_member_between_its_branches(tree, members, town, login):
    member = members["a1"]
    data = card(
        tree.a2,
        name=member.name,
        id_number="",
        joined_on=member.joined_on.isoformat(),
        full_member_on=member.full_member_on.isoformat(),
    )
    response = login(town).post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).home_org == tree.a2


def test_an_archived_member_cannot_be_edited(members, edit):
    archive(members["a1"])
    response = edit(job="厨师")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Member.objects.get(pk=members["a1"].pk).job == ""


def test_an_inspector_cannot_register_a_member(tree, inspector, login):
    # The inspector sees every member but may register none.
    response = login(inspector).post(reverse("members:create"), card(tree.a1))
    assert response.status_code == 403
    assert not Member.objects.filter(name="刘备").exists()


def test_factory_members_are_valid(tree):
    member = MemberFactory.create(home_org=tree.a1)
    member.full_clean()
