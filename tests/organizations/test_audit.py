"""The audit trail of roles and accounts, and the audit page that shows a county its subtree."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import AuditEntry, User
from organizations.actions import do_grant_role
from organizations.models import OrgKind, Role, RoleKind
from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from tests.organizations.test_staff import account

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def _role_events(role: Role):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Role), object_pk=str(role.pk)
    ).exclude(event="")


def test_granting_a_role_is_recorded(tree, town, secretary, login):
    url = reverse("staff:detail", args=[secretary.pk])
    login(town).post(url, {"organization": tree.a2.pk, "kind": RoleKind.COMMITTEE_MEMBER})
    role = secretary.roles.get(organization=tree.a2)
    entry = _role_events(role).get()
    assert entry.event == "role.granted"
    assert (entry.actor, entry.org_path, entry.remote_addr) == (town, tree.a2.path, "127.0.0.1")
    assert entry.changes == {
        "user": "secretary",
        "organization": "甲二支部",
        "kind": RoleKind.COMMITTEE_MEMBER,
    }


def test_revoking_a_role_is_recorded(tree, town, secretary, login):
    role = secretary.roles.get()
    login(town).post(reverse("staff:revoke_role", args=[secretary.pk, role.pk]))
    revoked = _role_events(role).get(event="role.revoked")
    assert (revoked.actor, revoked.org_path, revoked.remote_addr) == (
        town,
        tree.a1.path,
        "127.0.0.1",
    )


def test_creating_a_staff_account_is_recorded_in_the_organizations_subtree(tree, town, login):
    login(town).post(reverse("staff:create"), account(tree.a2, RoleKind.SECRETARY))
    user = User.objects.get(username="liubei")
    granted = AuditEntry.objects.get(event="role.granted", changes__user="liubei")
    assert (granted.actor, granted.org_path) == (town, tree.a2.path)
    # The new account's password is nowhere in the trail.
    trail = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "Initial-pass-2026" not in trail
    assert user.password not in trail


def test_the_county_sees_a_deactivation_on_its_audit_page(tree, town, county, secretary, login):
    login(town).post(reverse("staff:set_active", args=[secretary.pk]), {"active": "0"})
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(secretary.pk)
    ).latest("timestamp")
    assert entry.actor == town
    assert entry.changes["is_active"] == [True, False]
    assert entry in _page(login(county)).object_list


# --- The audit page ----------------------------------------------------------------------------


@pytest.fixture
def other_county(db):
    """A second tree: nothing in it belongs to our county's audit page."""
    root = OrganizationFactory.create(name="邻县县委", kind=OrgKind.COUNTY_COMMITTEE)
    branch = OrganizationFactory.create(parent=root, name="邻县支部", kind=OrgKind.BRANCH)
    MemberFactory.create(name="邻县党员", home_org=branch)
    return root


def _page(client, **params):
    response = client.get(reverse("audit"), params)
    assert response.status_code == 200
    return response.context["page"]


def test_the_county_sees_its_subtree_only(tree, members, other_county, county, login):
    entries = _page(login(county)).object_list
    assert entries
    assert all(e.org_path.startswith(tree.county.path) for e in entries)
    assert {e.object_repr for e in entries} >= {m.name for m in members.values()}
    assert "邻县党员" not in {e.object_repr for e in entries}
    assert AuditEntry.objects.filter(object_repr="邻县党员").exists()


def test_the_superuser_sees_every_county(tree, other_county, superuser, login):
    entries = _page(login(superuser)).object_list
    assert "邻县党员" in {e.object_repr for e in entries}


def test_newest_entries_come_first(members, county, login):
    entries = _page(login(county)).object_list
    stamps = [(e.timestamp, e.pk) for e in entries]
    assert stamps == sorted(stamps, reverse=True)


def test_filter_by_event_and_actor(tree, members, county, town, login):
    do_grant_role(actor=town, user=UserFactory.create(), organization=tree.a2, kind="committee")
    client = login(county)
    granted = _page(client, event="role.granted").object_list
    assert granted
    assert {e.event for e in granted} == {"role.granted"}
    by_town = _page(client, actor="town").object_list
    assert by_town
    assert {e.actor for e in by_town} == {town}


def test_the_audit_page_is_403_for_a_secretary_and_a_township(secretary, town, login):
    assert login(secretary).get(reverse("audit")).status_code == 403
    assert login(town).get(reverse("audit")).status_code == 403


def test_audit_pages_walk_back_in_time(tree, county, login):
    MemberFactory.create_batch(60, home_org=tree.a1)
    client = login(county)
    first = _page(client)
    second = _page(client, after=first.next_cursor)
    assert len(first.object_list) == 50
    assert not {e.pk for e in first.object_list} & {e.pk for e in second.object_list}
    assert first.object_list[-1].timestamp >= second.object_list[0].timestamp


@pytest.mark.parametrize("cursor", ["garbage", "W10"])
def test_a_garbled_audit_cursor_gives_the_first_page(members, county, login, cursor):
    client = login(county)
    assert _page(client, after=cursor).object_list == _page(client).object_list


def test_a_forged_audit_cursor_gives_the_first_page(members, county, login):
    forged = base64.urlsafe_b64encode(json.dumps(["dt:2026-13-45T00:00:00", 1]).encode()).decode()
    client = login(county)
    assert _page(client, after=forged).object_list == _page(client).object_list
