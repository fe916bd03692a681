"""What the branch records for the six-month rule (party constitution, article 38: "without a
proper reason"): proper reasons (正当理由) and assigned work (分配的工作), by the home side only,
refused with a field error and nothing saved on bad input, never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from oversight.builders import assign_work, exempt
from oversight.conditions.actions import (
    do_assign_work,
    do_record_exemption,
    do_record_work_done,
    do_revoke_exemption,
    do_void_work,
)
from oversight.models import Condition, Exemption, ExemptionReason, WorkAssignment
from tests.factories import archive
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

D = dt.date


def record(member, actor, **changes):
    fields: dict[str, Any] = {
        "condition": Condition.LIFE,
        "reason": ExemptionReason.ILLNESS,
        "note": "住院治疗，医院证明在档",
        "starts_on": D(2026, 3, 1),
        "ends_on": D(2026, 9, 30),
    }
    return do_record_exemption(actor=actor, member=member, **(fields | changes))


# --- actions -----------------------------------------------------------------------------------


def test_a_proper_reason_is_recorded_audited_and_revoked_never_deleted(members, secretary):
    exemption = record(members["a1"], secretary)
    assert (exemption.recorded_by, exemption.condition) == (secretary, Condition.LIFE)
    assert AuditEntry.objects.filter(object_pk=str(exemption.pk), actor=secretary).exists()
    do_revoke_exemption(actor=secretary, exemption=exemption, reason="病愈后已参加活动")
    exemption.refresh_from_db()
    assert exemption.revoked_at is not None
    assert exemption.revoke_reason == "病愈后已参加活动"
    with pytest.raises(ValidationError):
        do_revoke_exemption(actor=secretary, exemption=exemption, reason="再撤一次")
    assert Exemption.objects.filter(pk=exemption.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": D(2026, 2, 28)}, "ends_on"),
        ({"starts_on": D(1, 1, 1)}, "starts_on"),
        ({"ends_on": D(9999, 12, 31)}, "ends_on"),
        ({"note": "   "}, "note"),
        ({"condition": "forged"}, "condition"),
        ({"reason": "forged"}, "reason"),
    ],
)
def test_a_bad_proper_reason_is_refused_on_its_field(members, secretary, changes, field):
    with pytest.raises(ValidationError) as refused:
        record(members["a1"], secretary, **changes)
    assert field in refused.value.message_dict
    assert not Exemption.objects.exists()


def test_only_the_home_side_records(members, secretary2, station, inspector):
    for actor, member in ((secretary2, "a1"), (station, "shared"), (inspector, "a1")):
        with pytest.raises(PermissionDenied):
            record(members[member], actor)
        with pytest.raises(PermissionDenied):
            assign_work(members[member], actor=actor, assigned_on=D(2026, 3, 1))
    assert not Exemption.objects.exists()
    assert not WorkAssignment.objects.exists()


def test_an_archived_member_gets_no_record(members, superuser):
    member = archive(members["a1"], actor=superuser)
    with pytest.raises(ValidationError):
        record(member, superuser)


def test_work_assigned_done_and_voided(members, secretary, tree):
    work = assign_work(
        members["a1"], actor=secretary, assigned_on=D(2026, 3, 1), due_on=D(2026, 4, 1)
    )
    assert work.organization == tree.a1
    with pytest.raises(ValidationError) as refused:
        do_record_work_done(actor=secretary, work=work, done_on=D(2026, 2, 28))
    assert "done_on" in refused.value.message_dict
    do_record_work_done(actor=secretary, work=work, done_on=D(2026, 3, 20), outcome=" 已完成 ")
    work.refresh_from_db()
    assert (work.done_on, work.outcome) == (D(2026, 3, 20), "已完成")
    with pytest.raises(ValidationError):
        do_record_work_done(actor=secretary, work=work, done_on=D(2026, 3, 21))
    other = assign_work(members["a1"], actor=secretary, assigned_on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        do_void_work(actor=secretary, work=other, reason="")
    assert "void_reason" in refused.value.message_dict
    do_void_work(actor=secretary, work=other, reason="重复录入")
    with pytest.raises(ValidationError):
        do_record_work_done(actor=secretary, work=other, done_on=D(2026, 3, 21))
    assert WorkAssignment.objects.filter(member=members["a1"]).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_on": D(2026, 2, 1)}, "due_on"),
        ({"assigned_on": timezone.localdate() + dt.timedelta(days=1)}, "assigned_on"),
        ({"task": ""}, "task"),
        ({"due_on": D(9999, 1, 1)}, "due_on"),
    ],
)
def test_bad_work_is_refused_on_its_field(members, secretary, changes, field):
    fields = {"task": "负责联系流动党员", "assigned_on": D(2026, 3, 1), "due_on": None}
    with pytest.raises(ValidationError) as refused:
        do_assign_work(actor=secretary, member=members["a1"], **(fields | changes))
    assert field in refused.value.message_dict
    assert not WorkAssignment.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def test_the_branch_records_a_proper_reason_from_the_member_page(members, secretary, login):
    client = login(secretary)
    a1 = members["a1"]
    page = client.get(reverse("members:detail", args=[a1.pk]))
    assert "正当理由与分配的工作" in page.content.decode()
    assert reverse("oversight:exemption_new", args=[a1.pk]) in page.content.decode()
    response = client.post(
        reverse("oversight:exemption_new", args=[a1.pk]),
        {
            "condition": Condition.ALL,
            "reason": ExemptionReason.ABROAD,
            "note": "经批准出国务工",
            "starts_on": "2026-11-01",
            "ends_on": "2027-10-31",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[a1.pk])
    exemption = Exemption.objects.get(member=a1)
    page = client.get(reverse("members:detail", args=[a1.pk]))
    assert "经批准出国务工" in page.content.decode()
    assert reverse("oversight:exemption_revoke", args=[exemption.pk]) in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"ends_on": "2026-10-31"},  # before the start
        {"starts_on": "\uff10\uff10\uff10\uff11-01-01"},
        {"ends_on": "9999-12-31"},
        {"note": "\x00"},
        {"condition": "forged"},
    ],
)
def test_hostile_input_is_a_field_error(members, secretary, login, data):
    client = login(secretary)
    fields = {
        "condition": Condition.ALL,
        "reason": ExemptionReason.ABROAD,
        "note": "经批准出国务工",
        "starts_on": "2026-11-01",
        "ends_on": "2027-10-31",
    }
    response = client.post(
        reverse("oversight:exemption_new", args=[members["a1"].pk]), fields | data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Exemption.objects.exists()


def test_work_pages(members, secretary, login):
    client = login(secretary)
    a1 = members["a1"]
    response = client.post(
        reverse("oversight:work_new", args=[a1.pk]),
        {"task": "负责本组党费收缴", "assigned_on": "2026-11-01", "due_on": "2026-10-01"},
    )
    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors
    response = client.post(
        reverse("oversight:work_new", args=[a1.pk]),
        {"task": "负责本组党费收缴", "assigned_on": "2026-11-01", "due_on": ""},
    )
    assert response.status_code == 302
    work = WorkAssignment.objects.get(member=a1)
    response = client.post(
        reverse("oversight:work_done", args=[work.pk]), {"done_on": "2026-11-20"}
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.done_on == D(2026, 11, 20)
    page = client.get(reverse("members:detail", args=[a1.pk])).content.decode()
    assert "负责本组党费收缴" not in page  # done: no longer outstanding


def test_who_posts(members, personas, login, superuser):
    """Recording is a write of the home side: the inspector reads the member but may not."""
    expected: dict[str, int | str] = {
        "anonymous": LOGIN,
        "secretary": 302,
        "committee": 302,
        "town": 302,
        "county": 302,
        "secretary2": 404,
        "station": 404,
        "inspector": 403,
        "superuser": 302,
    }
    for persona, answer in expected.items():
        work = assign_work(members["a1"], actor=superuser, assigned_on=D(2026, 3, 1))
        assert_access(
            login(personas[persona]),
            reverse("oversight:work_void", args=[work.pk]),
            answer,
            method="post",
            data={"void_reason": "重复录入"},
            who=persona,
        )


def test_the_section_offers_no_button_to_who_may_not_change(members, superuser, login, inspector):
    exempt(members["a1"], actor=superuser, starts_on=D(2026, 11, 1), ends_on=D(2027, 1, 31))
    page = login(inspector).get(reverse("members:detail", args=[members["a1"].pk]))
    html = page.content.decode()
    assert "正当理由与分配的工作" in html
    assert "经组织批准出国（境）务工" in html
    assert reverse("oversight:exemption_new", args=[members["a1"].pk]) not in html
