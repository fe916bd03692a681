"""The scope matrix: which members each persona sees, opens, edits and finds.

Members (tests/conftest.py): a1 and a2 (sibling branches under township A), county_branch (held
by a branch directly under the county, above both townships), b1 (township B), and `shared`,
held by A2 and shared with station B-S by a guardian grant. The parent organizations themselves
(townships, county) and the station hold no members; their pages are in tests/test_access.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Member
from organizations.actions import do_revoke_role
from tests.factories import RoleFactory, system_user
from tests.permissions import assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

ALL = frozenset({"a1", "a2", "county_branch", "b1", "shared"})
TOWN_A = frozenset({"a1", "a2", "shared"})

VISIBLE = {
    "secretary": {"a1"},
    "committee": {"a1"},
    "town": TOWN_A,
    "county": ALL,
    "secretary2": {"b1"},
    # The station sees the member shared with it, nothing else in township B.
    "station": {"shared"},
    "inspector": ALL,
    "superuser": ALL,
}
CHANGEABLE = {
    "secretary": {"a1"},
    "committee": {"a1"},
    "town": TOWN_A,
    "county": ALL,
    "secretary2": {"b1"},
    # A share lets the station see and record life, not edit the register card; a station
    # holds no member of its own (issue 9, item 10).
    "station": set(),
    "inspector": set(),
    "superuser": ALL,
}
PERSONAS = list(VISIBLE)


def _keys(members: dict[str, Member], found) -> set[str]:
    by_pk = {m.pk: key for key, m in members.items()}
    return {by_pk[m.pk] for m in found}


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_view_and_change(request, persona, members):
    user = request.getfixturevalue(persona)
    assert _keys(members, Member.objects.visible_to(user)) == VISIBLE[persona]
    assert _keys(members, Member.objects.visible_to(user, "change")) == CHANGEABLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_list_shows_exactly_the_scope(request, persona, members, login):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    assert _keys(members, response.context["page"].object_list) == VISIBLE[persona]
    assert response.context["total"] == len(VISIBLE[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_is_404_outside_the_scope(request, persona, members, login):
    client = login(request.getfixturevalue(persona))
    for key, member in members.items():
        expected = 200 if key in VISIBLE[persona] else 404
        url = reverse("members:detail", args=[member.pk])
        assert_access(client, url, expected, who=f"{persona} on {key}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_is_403_for_seen_but_not_changeable_and_404_outside(request, persona, members, login):
    client = login(request.getfixturevalue(persona))
    for key, member in members.items():
        if key in CHANGEABLE[persona]:
            expected = 200
        elif key in VISIBLE[persona]:
            expected = 403
        else:
            expected = 404
        url = reverse("members:edit", args=[member.pk])
        assert_access(client, url, expected, who=f"{persona} on {key}")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("text", ["王", "wang", "w"])
def test_search_never_leaves_the_scope(request, persona, text, members, login):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("members:list"), {"q": text})
    assert _keys(members, response.context["page"].object_list) == VISIBLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_by_id_number_never_leaves_the_scope(request, persona, members, login):
    client = login(request.getfixturevalue(persona))
    for key, member in members.items():
        response = client.get(reverse("members:list"), {"q": member.id_number})
        found = _keys(members, response.context["page"].object_list)
        assert found == ({key} if key in VISIBLE[persona] else set()), f"{persona} on {key}"


def test_a_share_reaches_the_shared_organization_and_those_above_it(tree, members):
    shared = members["shared"]
    viewers = Member.objects.filter(pk=shared.pk)
    # The grant is on the station's group; sharing gives nothing to the station's siblings.
    b1_secretary = RoleFactory.create(organization=tree.b1, kind="secretary").user
    town_b_officer = RoleFactory.create(organization=tree.town_b, kind="township").user
    assert not viewers.visible_to(b1_secretary).exists()
    assert viewers.visible_to(town_b_officer).exists()


def test_a_revoked_role_sees_nothing(secretary, members, login):
    do_revoke_role(actor=system_user(), role=secretary.roles.get())
    client = login(secretary)
    response = client.get(reverse("members:list"))
    assert list(response.context["page"].object_list) == []
    assert_access(client, reverse("members:detail", args=[members["a1"].pk]), 404)


def test_what_one_test_writes_the_next_does_not_see(secretary):
    # Runs after test_a_revoked_role_sees_nothing in file order: the shared world is intact.
    assert secretary.roles.filter(revoked_at__isnull=True).count() == 1
