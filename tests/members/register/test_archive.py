"""Archiving takes a member off the active register; nothing is ever deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from members.models import Member
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def test_archiving_through_the_page_keeps_the_record(members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    response = client.post(reverse("members:archive", args=[member.pk]), {"reason": "迁往外省"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_archived
    assert member.archive_reason == "迁往外省"
    # Still readable, hidden from the default list, listed with ?archived=true.
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 200
    listed = client.get(reverse("members:list")).context["page"].object_list
    archived = client.get(reverse("members:list"), {"archived": "true"}).context["page"]
    assert member not in listed
    assert list(archived.object_list) == [member]


def test_archiving_needs_a_reason(members, secretary, login):
    member = members["a1"]
    response = login(secretary).post(reverse("members:archive", args=[member.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Member.objects.get(pk=member.pk).is_archived


def test_restoring_puts_the_member_back_on_the_register(members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    client.post(reverse("members:archive", args=[member.pk]), {"reason": "死亡"})
    response = client.post(reverse("members:restore", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.archived_at, member.archive_reason) == (None, "")
    assert member in client.get(reverse("members:list")).context["page"].object_list


def test_archived_members_do_not_count_on_the_home_page(members, secretary, login):
    client = login(secretary)
    assert shown(client.get(reverse("home")), "counts")["total"] == 1
    client.post(reverse("members:archive", args=[members["a1"].pk]), {"reason": "迁出"})
    assert shown(client.get(reverse("home")), "counts")["total"] == 0
    assert Member.objects.filter(pk=members["a1"].pk).exists()


def test_no_url_of_the_app_deletes_a_member():
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [name for name in names if "delete" in name and "member" in name]


def test_the_admin_cannot_delete_members_either(members, superuser, client):
    member_admin = admin.site._registry[Member]
    request = RequestFactory().get("/")
    request.user = superuser
    assert member_admin.has_delete_permission(request, members["a1"]) is False
    assert "delete_selected" not in member_admin.get_actions(request)
    client.force_login(superuser)
    url = reverse("admin:members_member_delete", args=[members["a1"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=members["a1"].pk).exists()
