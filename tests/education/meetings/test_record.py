"""Recording, correcting and voiding a meeting (issue 10, item 1): refusals are field errors in
Chinese and save nothing; a voided meeting stays on record, takes no attendance, counts for
nothing and cannot be changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from education.attendance.actions import attendance_refusal, do_record_attendance
from education.builders import hold_meeting
from education.life import with_last_life
from education.meetings.actions import do_update_meeting, do_void_meeting
from education.models import AttendanceStatus, Meeting, MeetingKind
from members.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

CREATE = reverse("education:meeting_create")


def _post(org, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "organization": org.pk,
        "kind": MeetingKind.COMMITTEE,
        "activity": "",
        "held_on": "2026-03-10",
        "starts_at": "19:30",
        "mode": "in_person",
        "place": "党员活动室",
        "online_link": "",
        "topic": "研究发展党员工作",
        "presenter": "张书记",
        "recorder": "李委员",
        "minutes": "会议研究了……",
        "decisions": "同意……",
        "study_hours": "1.5",
    }
    data.update(changes)
    return data


def test_a_secretary_records_a_meeting_and_lands_on_its_page(tree, login, secretary):
    response = login(secretary).post(CREATE, _post(tree.a1))
    meeting = Meeting.objects.get(organization=tree.a1)
    assert response.status_code == 302
    assert response["Location"] == reverse("education:meeting", args=[meeting.pk])
    assert (meeting.kind, meeting.topic, meeting.created_by) == (
        MeetingKind.COMMITTEE,
        "研究发展党员工作",
        secretary,
    )
    assert str(meeting.study_hours) == "1.5"
    entry = AuditEntry.objects.get_for_object(meeting).get()
    assert entry.actor == secretary


def test_the_picker_offers_the_organizations_the_user_changes(tree, login, secretary, town):
    def offered(user) -> set[int]:
        form = login(user).get(CREATE).context["form"]
        return {org.pk for org in form.organizations}

    assert offered(secretary) == {tree.a1.pk}
    assert offered(town) == {tree.town_a.pk, tree.a1.pk, tree.a2.pk}


def test_a_forged_organization_is_a_404_and_saves_nothing(tree, login, secretary):
    for org in (tree.town_b, tree.a2):
        assert login(secretary).post(CREATE, _post(org)).status_code == 404
    assert not Meeting.objects.exists()


# The refusals a secretary meets on a phone: each is the field's error in Chinese, nothing saved.
REFUSALS = [
    ("kind", {"kind": MeetingKind.PARTY_GROUP}, "不召开“党小组会”"),
    ("place", {"place": ""}, "请填写会议地点"),
    ("online_link", {"mode": "online", "place": "", "online_link": ""}, "线上会议请填写会议链接"),
    ("online_link", {"mode": "online", "online_link": "javascript:alert(1)"}, "有效的 URL"),
    ("study_hours", {"study_hours": "25"}, "小于或等于24"),
    ("study_hours", {"study_hours": "-1"}, "大于或等于0"),
    ("held_on", {"held_on": "0001-01-01"}, "不能早于1900-01-01"),
    ("held_on", {"held_on": "9999-12-31"}, "不能晚于"),
    ("activity", {"kind": MeetingKind.OTHER, "activity": ""}, "请选择活动形式"),
    ("topic", {"topic": ""}, "这个字段是必填项"),
]


@pytest.mark.parametrize(("field", "changes", "message"), REFUSALS)
def test_refusals_are_field_errors_in_chinese(tree, login, secretary, field, changes, message):
    response = login(secretary).post(CREATE, _post(tree.a1, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_kind_of_activity_is_dropped_for_a_meeting_that_is_not_other(tree, login, secretary):
    login(secretary).post(CREATE, _post(tree.a1, activity="video"))
    assert Meeting.objects.get().activity == ""


def test_a_committee_records_its_party_lecture_not_a_branch_meeting(tree, login, town):
    client = login(town)
    assert client.post(CREATE, _post(tree.town_a, kind=MeetingKind.LECTURE)).status_code == 302
    refused = client.post(CREATE, _post(tree.town_a, kind=MeetingKind.GENERAL_MEETING))
    assert "甲镇不召开" in " ".join(refused.context["form"].errors["kind"])


@pytest.fixture
def meeting(tree, secretary, members) -> Meeting:
    return hold_meeting(
        tree.a1,
        actor=secretary,
        kind=MeetingKind.COMMITTEE,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        present=[members["a1"]],
    )


def test_edit_corrects_what_was_recorded_but_not_the_organization(meeting, login, secretary, tree):
    url = reverse("education:meeting_edit", args=[meeting.pk])
    # A posted organization is not a field of the edit form: the meeting stays A1's.
    data = _post(tree.a2, topic="更正后的主题", held_on=meeting.held_on.isoformat())
    assert login(secretary).post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "更正后的主题"
    assert meeting.organization_id == tree.a1.pk
    (update,) = AuditEntry.objects.get_for_object(meeting).filter(action=AuditEntry.Action.UPDATE)
    assert update.actor == secretary
    assert update.changes["topic"] == ["学习党的创新理论", "更正后的主题"]


def test_edit_offers_only_the_kinds_the_organization_holds(meeting, secretary, login):
    form = (
        login(secretary).get(reverse("education:meeting_edit", args=[meeting.pk])).context["form"]
    )
    offered = {value for value, _label in form.fields["kind"].choices}
    assert MeetingKind.PARTY_GROUP not in offered
    assert MeetingKind.COMMITTEE in offered
    with pytest.raises(ValidationError, match="不召开"):
        do_update_meeting(actor=secretary, meeting=meeting, kind=MeetingKind.PARTY_GROUP)


def test_a_meeting_with_attendance_cannot_move_to_the_future(meeting, secretary, tree):
    """Attendance is recorded for a meeting that took place; moving it to the future would put
    that attendance in the future (the issue's "bad input": a meeting in the future)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        do_update_meeting(actor=secretary, meeting=meeting, held_on=tomorrow)
    assert "held_on" in refused.value.error_dict
    meeting.refresh_from_db()
    assert meeting.held_on < tomorrow
    # Without attendance, a meeting may be planned ahead.
    planned = hold_meeting(tree.a1, actor=secretary, held_on=timezone.localdate())
    do_update_meeting(actor=secretary, meeting=planned, held_on=tomorrow)
    planned.refresh_from_db()
    assert planned.held_on == tomorrow


def test_another_branch_cannot_change_the_meeting(meeting, secretary2, inspector):
    for user in (secretary2, inspector):
        with pytest.raises(PermissionDenied):
            do_update_meeting(actor=user, meeting=meeting, topic="改")
        with pytest.raises(PermissionDenied):
            do_void_meeting(actor=user, meeting=meeting, reason="改")


def test_a_voided_meeting_counts_for_nothing_and_stays_on_record(
    meeting, secretary, members, login
):
    member = Member.objects.filter(pk=members["a1"].pk)
    assert with_last_life(member).get().last_life_on == meeting.held_on  # type: ignore[attr-defined]
    response = login(secretary).post(
        reverse("education:meeting_void", args=[meeting.pk]), {"reason": "重复录入"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_voided
    assert meeting.void_reason == "重复录入"
    assert Meeting.objects.filter(pk=meeting.pk).exists()  # nothing deleted
    assert not Meeting.objects.held().filter(pk=meeting.pk).exists()
    assert with_last_life(member).get().last_life_on is None  # type: ignore[attr-defined]
    assert attendance_refusal(meeting) is not None
    # (attendance's own words: translated by its package)
    with pytest.raises(ValidationError, match=r"作废|voided"):
        do_record_attendance(
            actor=secretary,
            meeting=meeting,
            entries={members["a1"].pk: (AttendanceStatus.ABSENT, "")},
        )


def test_a_voided_meeting_cannot_be_edited_or_voided_again(meeting, secretary, login):
    do_void_meeting(actor=secretary, meeting=meeting, reason="误录")
    with pytest.raises(ValidationError, match="已作废"):
        do_update_meeting(actor=secretary, meeting=meeting, topic="改")
    with pytest.raises(ValidationError, match="已作废"):
        do_void_meeting(actor=secretary, meeting=meeting, reason="再次")
    client = login(secretary)
    for view in ("education:meeting_edit", "education:meeting_void", "education:meeting_attach"):
        assert client.get(reverse(view, args=[meeting.pk])).status_code == 403
    page = client.get(reverse("education:meeting", args=[meeting.pk])).content.decode()
    assert "已于" in page
    assert "误录" in page
    assert reverse("education:meeting_edit", args=[meeting.pk]) not in page


def test_voiding_needs_a_reason(meeting, secretary, login):
    url = reverse("education:meeting_void", args=[meeting.pk])
    response = login(secretary).post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "这个字段是必填项" in " ".join(response.context["form"].errors["reason"])
    with pytest.raises(ValidationError):
        do_void_meeting(actor=secretary, meeting=meeting, reason=" ")
    meeting.refresh_from_db()
    assert not meeting.is_voided
