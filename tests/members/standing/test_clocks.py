"""The two clocks of a lost member (issue 9, item 3; the 2014 opinions of the central
organization department on members who lost contact): lost six months or more after attempts to
find them → suspension due (停止党籍); suspended two years → strike-off due (除名)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.months import months_before
from members.builders import decide_standing, lose_contact
from members.lists.queries import (
    Reach,
    Thresholds,
    member_list_counts,
    strike_off_due,
    suspension_due,
)
from members.mobility.actions import do_record_finding_attempt
from members.models import DecisionKind, Member

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def t() -> Thresholds:
    return Thresholds(today=TODAY)


def names(rows) -> set[str]:
    return {row.name for row in rows}


def lost(member: Member, actor, *, since: dt.date, tried: dt.date | None) -> Member:
    return lose_contact(member, actor=actor, since=since, last_known_place="宁波", tried_on=tried)


def test_lost_six_months_after_an_attempt_is_suspension_due(members, secretary, town):
    """2014 lost-contact opinions: lost six months or more, and looked for → suspension due."""
    six_months = months_before(TODAY, 6)
    lost(members["a1"], secretary, since=six_months, tried=six_months + dt.timedelta(days=20))
    lost(members["a2"], town, since=six_months + dt.timedelta(days=1), tried=TODAY)
    reach = Reach.of(secretary)
    assert names(suspension_due(reach, t())) == {"王甲一"}  # a2 (town A's) is one day short
    assert names(suspension_due(Reach.everywhere(), t())) == {"王甲一"}


def test_without_an_attempt_to_find_them_nobody_is_suspension_due(members, secretary, town):
    """The branch must have looked for the member (双找) before suspending them."""
    lost(members["a1"], secretary, since=dt.date(2025, 1, 1), tried=None)
    assert not suspension_due(Reach.of(town), t()).exists()
    attempt_before = dt.date(2024, 12, 1)
    assert attempt_before < dt.date(2025, 1, 1)  # attempts before the loss do not count
    do_record_finding_attempt(
        actor=secretary,
        member=members["a1"],
        attempted_on=dt.date(2025, 2, 1),
        channel="visit",
        result="家属不知下落",
        found=False,
    )
    assert names(suspension_due(Reach.of(town), t())) == {"王甲一"}


def test_only_the_home_side_and_its_committees_see_the_list(members, secretary, station, town):
    """The shared member lost while checked in elsewhere is the home branch's to suspend."""
    lost(members["shared"], town, since=dt.date(2025, 1, 1), tried=dt.date(2025, 2, 1))
    assert names(suspension_due(Reach.of(town), t())) == {"王流入"}
    assert not suspension_due(Reach.of(station), t()).exists()
    assert not suspension_due(Reach.of(secretary), t()).exists()  # A2's member, not A1's


def test_a_suspension_keeps_its_date_and_two_years_later_strike_off_is_due(
    members, secretary, town
):
    """2014 lost-contact opinions: suspended two years and still not found → struck off as
    having left; the approval's date starts the clock."""
    member = lost(members["a1"], secretary, since=dt.date(2024, 1, 1), tried=dt.date(2024, 2, 1))
    suspended_on = dt.date(2024, 11, 30)
    decide_standing(member, kind=DecisionKind.SUSPEND, proposer=secretary, approver=town,
                    on=suspended_on)  # fmt: skip
    assert not suspension_due(Reach.of(town), t()).exists()
    assert names(strike_off_due(Reach.of(town), t())) == {"王甲一"}
    day_before = Thresholds(today=dt.date(2026, 11, 29))
    assert not strike_off_due(Reach.of(town), day_before).exists()
    counts = member_list_counts(Reach.of(town), t())
    assert (counts["suspension_due"], counts["strike_off_due"]) == (0, 1)


def test_the_lists_show_a_pending_decision(members, secretary, town):
    member = lost(members["a1"], secretary, since=dt.date(2025, 1, 1), tried=dt.date(2025, 2, 1))
    decide_standing(member, kind=DecisionKind.SUSPEND, proposer=secretary, on=dt.date(2025, 8, 1))
    (row,) = suspension_due(Reach.of(town), t())
    assert vars(row)["decision_pending"] is True


def test_the_pages_list_them_with_their_counts(members, secretary, town, login):
    lost(members["a1"], secretary, since=dt.date(2025, 1, 1), tried=dt.date(2025, 2, 1))
    client = login(town)
    page = client.get(reverse("members:suspension_due"))
    assert [m.name for m in page.context["page"].object_list] == ["王甲一"]
    propose = reverse("members:standing_propose", args=[members["a1"].pk]) + "?kind=suspend"
    assert propose in page.content.decode()
    assert client.get(propose).context["form"]["kind"].value() == "suspend"
    overview = client.get(reverse("members:mobile"))
    counts = {spec.slug: n for spec, n in overview.context["tabs"]}
    assert counts["suspension_due"] == 1
    assert counts["strike_off_due"] == 0


def test_a_suspended_member_found_again_prompts_the_restoration(members, secretary, town, login):
    """Issue 9, item 3: finding a suspended member prompts the restoration decision."""
    member = lost(members["a1"], secretary, since=dt.date(2024, 1, 1), tried=dt.date(2024, 2, 1))
    decide_standing(member, kind=DecisionKind.SUSPEND, proposer=secretary, approver=town,
                    on=dt.date(2024, 8, 1))  # fmt: skip
    client = login(secretary)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "should decide on restoring" not in page
    do_record_finding_attempt(
        actor=secretary,
        member=member,
        attempted_on=timezone.localdate(),
        channel="phone",
        result="联系上本人",
        found=True,
    )
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "should decide on restoring" in page
    assert "?kind=restore" in page
