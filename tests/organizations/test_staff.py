"""Staff accounts: officers create users and grant roles in their scope, never above their rank."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import User
from organizations.actions import (
    do_create_staff_user,
    do_grant_role,
    do_revoke_role,
    do_set_user_active,
)
from organizations.models import Role, RoleKind
from tests.factories import PASSWORD, RoleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

NEW_PASSWORD = "Qingshan-2026-new"


def account(org, kind: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "liubei",
        "full_name": "刘备",
        "phone": "13712345678",
        "initial_password": "Initial-pass-2026",
        "organization": org.pk,
        "kind": kind,
    }
    data.update(overrides)
    return data


def _create(client, data):
    return client.post(reverse("staff:create"), data)


@pytest.mark.parametrize(
    ("persona", "org", "kind"),
    [
        ("town", "a2", RoleKind.SECRETARY),
        ("town", "a2", RoleKind.COMMITTEE_MEMBER),
        ("town", "town_a", RoleKind.TOWNSHIP_OFFICER),  # equal rank is allowed
        ("town", "town_a", RoleKind.INSPECTOR),
        ("county", "town_b", RoleKind.TOWNSHIP_OFFICER),
        ("county", "county", RoleKind.COUNTY_OFFICER),
        ("county", "bs", RoleKind.COMMITTEE_MEMBER),
    ],
)
def test_officers_create_staff_in_their_scope(request, tree, login, persona, org, kind):
    officer = request.getfixturevalue(persona)
    organization = getattr(tree, org)
    response = _create(login(officer), account(organization, kind))
    user = User.objects.get(username="liubei")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:detail", args=[user.pk])
    assert user.must_change_password
    assert user.check_password("Initial-pass-2026")
    role = user.roles.get()
    assert (role.organization, role.kind, role.granted_by) == (organization, kind, officer)


def test_a_township_officer_cannot_grant_a_county_role(tree, town, login):
    response = _create(login(town), account(tree.a1, RoleKind.COUNTY_OFFICER))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not User.objects.filter(username="liubei").exists()


def test_a_township_officer_cannot_grant_on_the_other_township(tree, town, login):
    response = _create(login(town), account(tree.b1, RoleKind.SECRETARY))
    assert response.status_code == 404
    assert not User.objects.filter(username="liubei").exists()


def test_the_organization_picker_offers_only_the_managed_subtree(tree, town, login):
    response = login(town).get(reverse("staff:create"))
    offered = set(response.context["form"].fields["organization"].queryset)
    assert offered == {tree.town_a, tree.a1, tree.a2}


@pytest.mark.parametrize(
    ("org", "kind"),
    [
        ("a1", RoleKind.TOWNSHIP_OFFICER),  # a township role on a branch
        ("town_a", RoleKind.SECRETARY),  # a branch role on a township
        ("town_a", RoleKind.COMMITTEE_MEMBER),
    ],
)
def test_never_a_role_on_an_organization_kind_that_does_not_fit(tree, town, login, org, kind):
    response = _create(login(town), account(getattr(tree, org), kind))
    assert response.status_code == 200
    assert response.context["form"].errors
    # The account and its role are one transaction: no account without its role.
    assert not User.objects.filter(username="liubei").exists()


@pytest.mark.parametrize(
    ("org", "kind", "fits"),
    [
        ("county", RoleKind.COUNTY_OFFICER, True),
        ("town_a", RoleKind.COUNTY_OFFICER, False),
        ("town_a", RoleKind.TOWNSHIP_OFFICER, True),
        ("a1", RoleKind.TOWNSHIP_OFFICER, False),
        ("a1", RoleKind.SECRETARY, True),
        ("bs", RoleKind.SECRETARY, True),
        ("county", RoleKind.SECRETARY, False),
        ("a1", RoleKind.INSPECTOR, True),
        ("county", RoleKind.INSPECTOR, True),
    ],
)
def test_role_clean_matches_role_and_organization_kinds(tree, org, kind, fits):
    role = Role(user=UserFactory.create(), organization=getattr(tree, org), kind=kind)
    if fits:
        role.clean()
    else:
        with pytest.raises(ValidationError) as info:
            role.clean()
        assert "kind" in info.value.error_dict


def test_the_password_rules_apply_to_the_initial_password(tree, town, login):
    response = _create(login(town), account(tree.a1, RoleKind.SECRETARY, initial_password="123"))
    assert "initial_password" in response.context["form"].errors
    assert not User.objects.filter(username="liubei").exists()


def test_login_names_are_unique_whatever_the_case(tree, town, secretary, login):
    response = _create(login(town), account(tree.a1, RoleKind.SECRETARY, username="SECRETARY"))
    assert "username" in response.context["form"].errors


# --- First login -------------------------------------------------------------------------------


def test_a_new_user_must_choose_a_password_at_first_login(tree, town, login, client):
    _create(login(town), account(tree.a1, RoleKind.SECRETARY))
    client.logout()
    response = client.post(
        reverse("login"), {"username": "liubei", "password": "Initial-pass-2026"}
    )
    assert response.status_code == 302
    # Every page leads to the password change until it is done.
    for url in [reverse("home"), reverse("members:list"), reverse("organizations:tree")]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("password_change"))
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Initial-pass-2026",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="liubei")
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_a_failed_password_change_keeps_the_flag(tree, town, login):
    _create(login(town), account(tree.a1, RoleKind.SECRETARY))
    user = User.objects.get(username="liubei")
    client = login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get(reverse("home")).status_code == 302


# --- Granting, revoking, deactivating ------------------------------------------------------------


def test_granting_a_role_from_the_staff_page(tree, town, secretary, login):
    client = login(town)
    url = reverse("staff:detail", args=[secretary.pk])
    response = client.post(url, {"organization": tree.a2.pk, "kind": RoleKind.COMMITTEE_MEMBER})
    assert response.status_code == 302
    assert secretary.roles.filter(organization=tree.a2, kind=RoleKind.COMMITTEE_MEMBER).exists()


def test_granting_the_same_role_twice_is_refused(tree, town, secretary, login):
    client = login(town)
    url = reverse("staff:detail", args=[secretary.pk])
    response = client.post(url, {"organization": tree.a1.pk, "kind": RoleKind.SECRETARY})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert secretary.roles.count() == 1


def test_granting_on_a_forged_organization_is_404(tree, town, secretary, login):
    url = reverse("staff:detail", args=[secretary.pk])
    response = login(town).post(url, {"organization": tree.b1.pk, "kind": RoleKind.SECRETARY})
    assert response.status_code == 404
    assert secretary.roles.count() == 1


def test_revoking_a_role_ends_the_access_it_gave(tree, members, town, secretary, login):
    role = secretary.roles.get()
    response = login(town).post(reverse("staff:revoke_role", args=[secretary.pk, role.pk]))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.revoked_at is not None
    assert role.revoked_by == town
    # The role stays on file; the access is gone.
    assert Role.objects.filter(pk=role.pk).exists()
    detail = reverse("members:detail", args=[members["a1"].pk])
    assert login(secretary).get(detail).status_code == 404


def test_nobody_deactivates_an_officer_ranked_above_them(tree, town):
    # A county officer who also holds a role inside township A is in the township's staff list,
    # but the township officer may not switch the account off.
    officer = RoleFactory.create(organization=tree.county, kind=RoleKind.COUNTY_OFFICER).user
    RoleFactory.create(user=officer, organization=tree.a1, kind=RoleKind.INSPECTOR)
    with pytest.raises(PermissionDenied):
        do_set_user_active(actor=town, user=officer, active=False)
    officer.refresh_from_db()
    assert officer.is_active


def test_nobody_demotes_a_user_who_outranks_them_elsewhere(tree, town, login):
    """Issue 9, item 17: nobody may demote a user who outranks them anywhere. The county
    officer's A1 inspector role lies in the township's scope and rank, but its holder outranks
    the township officer at the county: no revoke button, and the POST is 403."""
    officer = RoleFactory.create(organization=tree.county, kind=RoleKind.COUNTY_OFFICER).user
    role = RoleFactory.create(user=officer, organization=tree.a1, kind=RoleKind.INSPECTOR)
    client = login(town)
    page = client.get(reverse("staff:detail", args=[officer.pk]))
    assert page.status_code == 200
    assert page.context["outranked"]
    assert not any(can_revoke for _role, can_revoke in page.context["roles"])
    assert reverse("staff:revoke_role", args=[officer.pk, role.pk]) not in page.content.decode()
    assert reverse("staff:set_active", args=[officer.pk]) not in page.content.decode()
    url = reverse("staff:revoke_role", args=[officer.pk, role.pk])
    assert client.post(url).status_code == 403
    role.refresh_from_db()
    assert role.revoked_at is None


def test_a_township_officer_cannot_deactivate_a_superuser_with_a_township_role(
    tree, town, superuser, login
):
    """Issue 9, item 17: a township officer could deactivate a superuser who also held a role
    in the township and lock them out. Superusers outrank everyone: the page offers no button,
    the POST and the action are refused, and the superuser's role stays."""
    role = RoleFactory.create(user=superuser, organization=tree.a1, kind=RoleKind.SECRETARY)
    client = login(town)
    page = client.get(reverse("staff:detail", args=[superuser.pk]))
    assert page.status_code == 200
    assert page.context["outranked"]
    assert reverse("staff:set_active", args=[superuser.pk]) not in page.content.decode()
    response = client.post(reverse("staff:set_active", args=[superuser.pk]), {"active": "0"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        do_set_user_active(actor=town, user=superuser, active=False)
    with pytest.raises(PermissionDenied):
        do_revoke_role(actor=town, role=role)
    response = client.post(reverse("staff:revoke_role", args=[superuser.pk, role.pk]))
    assert response.status_code == 403
    superuser.refresh_from_db()
    role.refresh_from_db()
    assert superuser.is_active
    assert role.revoked_at is None


def test_a_superuser_may_deactivate_and_demote_officers(tree, town, superuser):
    """Issue 9, item 17: the rule stops at equals; a superuser manages every account."""
    role = town.roles.get()
    do_revoke_role(actor=superuser, role=role)
    do_set_user_active(actor=superuser, user=town, active=False)
    town.refresh_from_db()
    assert not town.is_active


def test_an_officer_may_demote_a_user_of_equal_rank(tree, town, login):
    """Issue 9, item 17: equal rank is not outranking; a second township officer of the same
    township may be demoted by the first."""
    other = RoleFactory.create(organization=tree.town_a, kind=RoleKind.TOWNSHIP_OFFICER)
    url = reverse("staff:revoke_role", args=[other.user.pk, other.pk])
    assert login(town).post(url).status_code == 302
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_nobody_revokes_their_own_last_role(tree, town, login):
    """Issue 9, item 17: a user cannot revoke their own last role (a clear message, nothing
    changes); with another role left they may give one up."""
    role = town.roles.get()
    client = login(town)
    response = client.post(reverse("staff:revoke_role", args=[town.pk, role.pk]), follow=True)
    assert response.status_code == 200
    assert "不能撤销自己的最后一个角色" in response.content.decode()
    role.refresh_from_db()
    assert role.revoked_at is None
    with pytest.raises(ValidationError):
        do_revoke_role(actor=town, role=role)
    RoleFactory.create(user=town, organization=tree.a1, kind=RoleKind.SECRETARY)
    do_revoke_role(actor=town, role=role)
    role.refresh_from_db()
    assert role.revoked_at is not None


def test_deactivating_an_account_logs_it_out_of_everything(secretary, town, login):
    url = reverse("staff:set_active", args=[secretary.pk])
    assert login(town).post(url, {"active": "0"}).status_code == 302
    secretary.refresh_from_db()
    assert not secretary.is_active
    client = login(secretary)
    response = client.get(reverse("members:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_reactivating_an_account(secretary, town, login):
    do_set_user_active(actor=town, user=secretary, active=False)
    login(town).post(reverse("staff:set_active", args=[secretary.pk]), {"active": "1"})
    secretary.refresh_from_db()
    assert secretary.is_active


def test_nobody_deactivates_themselves(town, login):
    client = login(town)
    response = client.post(reverse("staff:set_active", args=[town.pk]), {"active": "0"})
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.is_active


def test_a_township_officer_cannot_deactivate_the_county_officer(county, town, login):
    response = login(town).post(reverse("staff:set_active", args=[county.pk]), {"active": "0"})
    assert response.status_code == 404
    county.refresh_from_db()
    assert county.is_active


def test_staff_list_shows_the_managed_subtree_only(tree, personas, login):
    response = login(personas["town"]).get(reverse("staff:list"))
    usernames = {u.username for u in response.context["users"]}
    assert usernames == {"secretary", "committee", "town"}


def test_staff_list_search(tree, personas, login):
    response = login(personas["county"]).get(reverse("staff:list"), {"q": "secre"})
    assert {u.username for u in response.context["users"]} == {"secretary", "secretary2"}


def test_create_staff_user_action_refuses_a_role_above_the_actor(tree, town):
    with pytest.raises(PermissionDenied):
        do_create_staff_user(
            actor=town,
            username="caocao",
            full_name="曹操",
            phone="13700000000",
            initial_password=PASSWORD,
            organization=tree.town_a,
            kind=RoleKind.COUNTY_OFFICER,
        )
    assert not User.objects.filter(username="caocao").exists()


def test_grant_role_action_rechecks_the_scope(tree, town):
    outsider = UserFactory.create()
    with pytest.raises(PermissionDenied):
        do_grant_role(actor=town, user=outsider, organization=tree.b1, kind=RoleKind.SECRETARY)
    assert not outsider.roles.exists()


@pytest.mark.parametrize(("length", "refused"), [(128, False), (129, True), (10_000, True)])
def test_passwords_have_a_maximum_length(tree, town, login, length, refused):
    """Issue 9, item 19: passwords have a maximum length (128 characters), refused with a
    message in Chinese; 128 characters are accepted."""
    password = ("Qs-2026-" * 1300)[:length]
    response = _create(login(town), account(tree.a1, RoleKind.SECRETARY, initial_password=password))
    if refused:
        assert response.status_code == 200
        assert "密码太长，最多128个字符。" in response.context["form"].errors["initial_password"]
        assert not User.objects.filter(username="liubei").exists()
    else:
        assert response.status_code == 302
        assert User.objects.get(username="liubei").check_password(password)


def test_a_password_change_refuses_an_overlong_password(secretary, login):
    """Issue 9, item 19: the maximum length applies to the password change too."""
    password = "Qs-2026-" * 20  # 160 characters
    response = login(secretary).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    secretary.refresh_from_db()
    assert secretary.check_password(PASSWORD)
