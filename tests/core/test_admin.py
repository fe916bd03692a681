"""The admin shows members, roles and organizations but writes none of them: every write goes
through an action (scope, rank rules, derived shares, the audit trail)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from members.models import Member
from organizations.models import Organization, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Member, Role, Organization])
def test_the_admin_may_look_but_not_write(model, members, secretary, superuser):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser
    obj = model.objects.first()
    assert model_admin.has_view_permission(request, obj)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)


def test_a_member_posted_to_the_admin_is_refused_and_unchanged(members, superuser, client):
    member = members["a1"]
    client.force_login(superuser)
    url = reverse("admin:members_member_change", args=[member.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "改名"}).status_code == 403
    member.refresh_from_db()
    assert member.name == "王甲一"


def test_a_role_cannot_be_added_in_the_admin(superuser, client):
    client.force_login(superuser)
    assert client.get(reverse("admin:organizations_role_add")).status_code == 403
