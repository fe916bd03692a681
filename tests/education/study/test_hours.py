"""Study hours (issue 10, item 6): records per member, validated; a column item read once per
member; the yearly total of study records and meetings' study hours against the requirement of
the 2019 party-member education-management regulations (members at least 32 hours a year,
branch secretaries and committee members at least 56), and who is short."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from education.attendance.actions import do_record_attendance
from education.builders import hold_meeting
from education.models import AttendanceStatus, Audience, BranchPostKind, Meeting, StudyRecord
from education.study.actions import do_record_readers, do_withdraw_column_item
from education.study.builders import give_post, publish, study
from education.study.forms import HoursField, StudyRecordForm
from education.study.queries import with_study_hours
from members.builders import away
from members.models import Member
from members.models.choices import OccupationCategory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

LAST_YEAR = timezone.localdate().year - 1


def _row(member: Member, year: int = LAST_YEAR) -> dict[str, object]:
    return (
        with_study_hours(Member.objects.filter(pk=member.pk), year)
        .values("record_hours", "meeting_hours", "study_hours", "required_hours", "is_short")
        .get()
    )


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("0", "学时必须大于0"),
        ("-1", "学时必须大于0"),
        ("24.1", "一次最多登记24学时"),
        ("\uff12\uff14.\uff11", "一次最多登记24学时"),
        ("1\x00", "输入一个数字"),
        ("abc", "输入一个数字"),
        ("1.25", "小数不超过 1 位"),
    ],
)
def test_hours_that_are_not_more_than_0_and_at_most_a_day_are_a_field_error(hours, words):
    """The issue's bad input: "hours that are negative or above a day" get a clear reason in
    Chinese."""
    field = HoursField()
    with pytest.raises(ValidationError) as caught:
        field.clean(hours)
    assert any(words in message for message in caught.value.messages), caught.value.messages


def test_full_width_digits_are_read_as_the_hours_meant():
    assert HoursField().clean("\uff11\uff12") == Decimal(12)
    assert HoursField().clean("\uff12.\uff15") == Decimal("2.5")


@pytest.mark.parametrize("hours", ["0", "-2", "24.5"])
def test_the_action_refuses_bad_hours_and_saves_nothing(members, secretary, hours):
    with pytest.raises(ValidationError) as caught:
        study(members["a1"], actor=secretary, hours=hours)
    assert "hours" in caught.value.message_dict
    assert not StudyRecord.objects.filter(member=members["a1"]).exists()


def test_the_form_needs_hours_and_a_title_for_a_course(members):
    form = StudyRecordForm(
        {"kind": "course", "studied_on": "2025-03-01", "hours": "", "title": ""},
        items=StudyRecord.objects.none(),
    )
    assert not form.is_valid()
    assert form.errors["hours"] == ["请填写学时。"]
    assert form.errors["title"] == ["请说明学习内容。"]


def test_a_year_of_records_and_meetings(tree, members, secretary):
    """Study records and the study hours of meetings attended in person or online count for
    the year they happened in: not the day before 1 January, nor after 31 December; a voided
    meeting, one the member was absent from or took part in elsewhere, and one worth no hours
    count nothing."""
    member = members["a1"]
    study(member, actor=secretary, hours=3, on=dt.date(LAST_YEAR - 1, 12, 31))
    study(member, actor=secretary, hours=4, on=dt.date(LAST_YEAR, 1, 1))
    study(member, actor=secretary, hours="2.5", on=dt.date(LAST_YEAR, 12, 31), online=True)
    study(member, actor=secretary, hours=5, on=dt.date(LAST_YEAR + 1, 1, 1))
    held = dt.date(LAST_YEAR, 6, 1)
    hold_meeting(tree.a1, actor=secretary, held_on=held, present=[member], study_hours=2)
    hold_meeting(tree.a1, actor=secretary, held_on=held, online=[member], study_hours="1.5")
    hold_meeting(tree.a1, actor=secretary, held_on=held, absent=[member], study_hours=3)
    hold_meeting(tree.a1, actor=secretary, held_on=held, present=[member])  # no hours
    hold_meeting(
        tree.a1,
        actor=secretary,
        held_on=dt.date(LAST_YEAR + 1, 1, 1),
        present=[member],
        study_hours=6,
    )
    voided = hold_meeting(tree.a1, actor=secretary, held_on=held, present=[member], study_hours=8)
    # Voiding is the meetings package's action; here only its effect matters.
    Meeting.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="重复录入")
    elsewhere = hold_meeting(tree.a1, actor=secretary, held_on=held, study_hours=4)
    do_record_attendance(
        actor=secretary,
        meeting=elsewhere,
        entries={member.pk: (AttendanceStatus.ELSEWHERE, "在宁波参加")},
    )
    assert _row(member) == {
        "record_hours": Decimal("6.5"),
        "meeting_hours": Decimal("3.5"),
        "study_hours": Decimal("10.0"),
        "required_hours": Decimal(32),
        "is_short": True,
    }
    assert _row(member, LAST_YEAR + 1)["study_hours"] == Decimal(11)
    assert _row(member, LAST_YEAR - 1)["study_hours"] == Decimal(3)
    # Another member's records are theirs alone.
    assert _row(members["a2"])["study_hours"] == Decimal(0)


def test_a_cadre_needs_56_hours_and_a_member_32(members, superuser, settings):
    """The 2019 education-management regulations: branch secretaries and committee members
    study at least 56 hours a year, members at least 32 (settings STUDY_HOURS_CADRE,
    STUDY_HOURS_MEMBER). A post held at any time in the year counts for the year."""
    secretary, committee, former, member = (
        members[key] for key in ("a1", "a2", "shared", "county_branch")
    )
    give_post(secretary, actor=superuser, since=dt.date(LAST_YEAR - 3, 5, 1))
    give_post(
        committee,
        actor=superuser,
        post=BranchPostKind.COMMITTEE,
        since=dt.date(LAST_YEAR, 11, 1),
    )
    give_post(
        former,
        actor=superuser,
        since=dt.date(LAST_YEAR - 4, 1, 1),
        until=dt.date(LAST_YEAR - 1, 12, 31),
    )
    people = (secretary, committee, former, member)
    for person in people:
        study(person, actor=superuser, hours=20, on=dt.date(LAST_YEAR, 3, 1))
        study(person, actor=superuser, hours=20, on=dt.date(LAST_YEAR, 9, 1))
    rows = with_study_hours(Member.objects.filter(pk__in=[p.pk for p in people]), LAST_YEAR)
    assert {m.pk: (m.required_hours, m.is_short) for m in rows} == {
        secretary.pk: (Decimal(56), True),
        committee.pk: (Decimal(56), True),
        former.pk: (Decimal(32), False),
        member.pk: (Decimal(32), False),
    }
    settings.STUDY_HOURS_MEMBER = 48
    assert _row(member)["is_short"] is True


def test_who_is_short(members, superuser):
    """The list of who is short: exactly the members below their requirement."""
    on = dt.date(LAST_YEAR, 5, 1)
    study(members["a1"], actor=superuser, hours=24, on=on)
    study(members["a1"], actor=superuser, hours=8, on=on)  # 32: met
    study(members["a2"], actor=superuser, hours=24, on=on)
    study(members["a2"], actor=superuser, hours="7.9", on=on)  # 31.9: short
    everyone = Member.objects.filter(pk__in=[m.pk for m in members.values()])
    short = set(
        with_study_hours(everyone, LAST_YEAR).filter(is_short=True).values_list("pk", flat=True)
    )
    assert short == {m.pk for key, m in members.items() if key != "a1"}


def test_a_column_item_is_recorded_once_per_member(tree, members, secretary, superuser):
    """Reading an item online is worth its hours once: a second record is refused, a second
    "read by" skips the member."""
    item = publish(tree.town_a, actor=superuser, hours="1.5")
    record = study(members["a1"], actor=secretary, hours=9, item=item)
    assert record.hours == Decimal("1.5")  # the item's hours, not the ones typed
    assert record.online is False
    with pytest.raises(ValidationError, match="已登记"):
        study(members["a1"], actor=secretary, hours=1, item=item)
    recorded, skipped = do_record_readers(actor=secretary, item=item, members=[members["a1"]])
    assert (recorded, skipped) == (0, 1)
    assert StudyRecord.objects.filter(column_item=item).count() == 1


def test_read_by_records_several_members_at_once(tree, members, town, superuser):
    item = publish(tree.town_a, actor=superuser, hours=2)
    recorded, skipped = do_record_readers(
        actor=town, item=item, members=[members["a1"], members["a2"]]
    )
    assert (recorded, skipped) == (2, 0)
    rows = StudyRecord.objects.filter(column_item=item)
    assert {r.member_id for r in rows} == {members["a1"].pk, members["a2"].pk}
    assert all(r.online and r.hours == 2 for r in rows)


def test_read_by_is_refused_for_a_member_the_item_is_not_for(tree, members, secretary, superuser):
    """A migrant workers' item does not apply to a member at home; a member outside the
    user's reach is not theirs to record: 403, nothing saved."""
    item = publish(tree.county, actor=superuser, audience=Audience.MIGRANT)
    with pytest.raises(PermissionDenied):
        do_record_readers(actor=secretary, item=item, members=[members["a1"]])
    away(members["a1"], actor=superuser, occupation=OccupationCategory.MIGRANT_WORKER)
    with pytest.raises(PermissionDenied):  # b1 is not the A1 secretary's
        do_record_readers(actor=secretary, item=item, members=[members["a1"], members["b1"]])
    assert not StudyRecord.objects.filter(column_item=item).exists()
    assert do_record_readers(actor=secretary, item=item, members=[members["a1"]]) == (1, 0)


def test_a_notice_without_hours_or_a_withdrawn_item_is_not_read_as_study(
    tree, members, town, superuser
):
    notice = publish(tree.town_a, actor=superuser, hours=0, kind="notice")
    with pytest.raises(ValidationError, match="不计学时"):
        do_record_readers(actor=town, item=notice, members=[members["a1"]])
    item = publish(tree.town_a, actor=superuser, hours=2)
    do_withdraw_column_item(actor=town, item=item, reason="内容有误")
    with pytest.raises(ValidationError, match="已撤回"):
        do_record_readers(actor=town, item=item, members=[members["a1"]])
    item.refresh_from_db()
    assert item.withdrawn_at is not None  # kept, not deleted
