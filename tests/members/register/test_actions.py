"""The member actions re-check scope and invariants themselves, whoever calls them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import Member
from members.register.actions import (
    do_archive_member,
    do_create_member,
    do_reveal_id_number,
    do_update_member,
)
from tests.factories import MemberFactory, archive, make_id_number, system_user

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def test_a_share_does_not_let_the_station_edit(members, station):
    with pytest.raises(PermissionDenied):
        do_update_member(actor=station, member=members["shared"], job="厨师")
    assert Member.objects.get(pk=members["shared"].pk).job == ""


def test_a_share_does_not_let_the_station_see_the_full_id(members, station):
    with pytest.raises(PermissionDenied):
        do_reveal_id_number(actor=station, member=members["shared"])


def test_moving_a_member_out_of_scope_is_refused(tree, members, secretary):
    with pytest.raises(PermissionDenied):
        do_update_member(actor=secretary, member=members["a1"], home_org=tree.a2)
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.a1


def test_only_register_fields_may_be_set(members, secretary):
    with pytest.raises(ValueError, match="archived_at"):
        do_update_member(actor=secretary, member=members["a1"], archived_at=None)


def test_archiving_needs_a_reason(members, secretary):
    with pytest.raises(ValidationError):
        do_archive_member(actor=secretary, member=members["a1"], reason="  ")
    assert not Member.objects.get(pk=members["a1"].pk).is_archived


def test_archiving_twice_keeps_the_first_reason(members, secretary):
    archive(members["a1"], reason="迁出", actor=secretary)
    do_archive_member(actor=secretary, member=members["a1"], reason="另一个原因")
    assert Member.objects.get(pk=members["a1"].pk).archive_reason == "迁出"


def test_an_inspector_changes_nothing(members, inspector):
    with pytest.raises(PermissionDenied):
        do_archive_member(actor=inspector, member=members["a1"], reason="迁出")


def test_the_id_number_is_unique_in_the_database(tree, members):
    with pytest.raises(ValidationError) as info:
        MemberFactory.create(home_org=tree.a2, id_number=members["b1"].id_number)
    assert "id_number" in info.value.error_dict


@pytest.mark.parametrize("org", ["town_a", "county"])
def test_a_member_is_held_by_a_branch_level_organization(tree, org):
    birth = dt.date(1985, 5, 5)
    with pytest.raises(ValidationError) as info:
        do_create_member(
            actor=system_user(),
            name="挂空",
            gender="M",
            id_number=make_id_number(birth, sequence=7, gender="M"),
            birth_date=birth,
            education="college",
            personnel_category="worker",
            home_org=getattr(tree, org),
            joined_on=dt.date(2010, 1, 1),
            full_member_on=dt.date(2011, 1, 1),
        )
    assert "home_org" in info.value.error_dict


@pytest.mark.django_db
def test_the_longest_name_fits_its_pinyin_key(tree):
    # 50 characters each read as six letters ("zhuang"): the sort key must hold all of them.
    member = MemberFactory.create(name="庄" * 50, home_org=tree.a1)
    member.refresh_from_db()
    assert member.name_pinyin.startswith("zhuang")
    assert len(member.name_pinyin) >= 300
