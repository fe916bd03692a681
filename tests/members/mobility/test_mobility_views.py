"""The mobility pages: outflow registration, inflow check-in, the information card, the return."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from members.builders import away, check_in
from members.mobility.actions import do_end_episode
from members.models import EpisodeStatus, Member, MobilityEpisode
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

OUTFLOW_POST = {
    "out_date": "2026-03-01",
    "destination_province": "浙江省",
    "destination_city": "杭州市",
    "destination_county": "乙县",
    "employer": "乙县电子厂",
    "employer_sector": "enterprise",
    "occupation": "migrant",
    "reason": "务工",
    "expected_return": "2026-12-31",
    "phone_there": "13912345678",
}
LEFT = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def login(login, settings):
    """The pages in English (the language switch's cookie), so messages match their source."""

    def _login(user):
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


def detail(member: Member) -> str:
    return reverse("members:detail", args=[member.pk])


def test_register_check_in_see_and_end(tree, members, secretary, station, login):
    member = members["a1"]
    client = login(secretary)
    page = client.get(detail(member)).content.decode()
    assert reverse("members:outflow", args=[member.pk]) in page
    assert "No outflow has been registered." in page

    response = client.post(
        reverse("members:outflow", args=[member.pk]),
        {**OUTFLOW_POST, "intended_org": tree.bs.pk, "contact_person": secretary.pk},
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.status == EpisodeStatus.REGISTERED
    assert episode.intended_org == tree.bs
    assert episode.contact_person == secretary
    assert episode.registered_by == secretary
    page = client.get(detail(member)).content.decode()
    assert "Not yet checked in" in page
    # One absence at a time: no second registration button while this one is open.
    assert reverse("members:outflow", args=[member.pk]) not in page

    client = login(station)
    assert client.get(detail(member)).status_code == 404
    response = client.post(
        reverse("members:check_in"),
        {
            "id_number": member.id_number,
            "name": member.name,
            "checked_in_on": "2026-03-05",
            "inflow_org": tree.bs.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail(member)
    page = client.get(detail(member)).content.decode()
    assert "乙镇流动党员服务站" in page
    assert "checked in on 2026-03-05" in page
    # The inflow side sees the absence but does not end it.
    end_url = reverse("members:end_episode", args=[member.pk, episode.pk])
    assert end_url not in page

    client = login(secretary)
    page = client.get(detail(member)).content.decode()
    assert end_url in page
    response = client.post(
        end_url, {"status": "returned", "ended_on": "2026-09-01", "note": "返乡创业"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED
    assert episode.ended_on == dt.date(2026, 9, 1)
    assert not member.is_mobile
    assert login(station).get(detail(member)).status_code == 404


def test_a_return_before_leaving_is_a_field_error_and_saves_nothing(members, secretary, login):
    member = members["a1"]
    response = login(secretary).post(
        reverse("members:outflow", args=[member.pk]),
        {**OUTFLOW_POST, "expected_return": "2026-02-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expected_return"] == [
        "The expected return cannot be before the date of leaving."
    ]
    assert not MobilityEpisode.objects.filter(member=member).exists()


def test_the_action_refusal_is_shown_on_the_form(members, secretary, login):
    member = members["a1"]
    away(member, actor=secretary, out_date=LEFT)
    response = login(secretary).post(reverse("members:outflow", args=[member.pk]), OUTFLOW_POST)
    assert response.status_code == 200
    assert "already registered as away" in " ".join(response.context["form"].non_field_errors())
    assert MobilityEpisode.objects.filter(member=member).count() == 1


def test_the_contact_person_is_one_of_the_home_branch_staff(members, secretary, town, login):
    member = members["a1"]
    response = login(secretary).post(
        reverse("members:outflow", args=[member.pk]), {**OUTFLOW_POST, "contact_person": town.pk}
    )
    assert response.status_code == 200
    assert "contact_person" in response.context["form"].errors
    assert not MobilityEpisode.objects.filter(member=member).exists()


def test_the_intended_org_picker_is_left_out_of_a_large_tree(members, secretary, login, settings):
    from members.mobility import forms

    member = members["a1"]
    client = login(secretary)
    url = reverse("members:outflow", args=[member.pk])
    assert "intended_org" in client.get(url).context["form"].fields
    limit = forms.INTENDED_ORG_PICKER_LIMIT
    try:
        forms.INTENDED_ORG_PICKER_LIMIT = 2
        assert "intended_org" not in client.get(url).context["form"].fields
    finally:
        forms.INTENDED_ORG_PICKER_LIMIT = limit


def test_a_failed_check_in_shows_why_and_changes_nothing(tree, members, secretary, station, login):
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    response = login(station).post(
        reverse("members:check_in"),
        {
            "id_number": member.id_number,
            "name": "王某",
            "checked_in_on": "2026-03-05",
            "inflow_org": tree.bs.pk,
        },
    )
    assert response.status_code == 200
    assert "ID-card number and name" in " ".join(response.context["form"].non_field_errors())
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED
    assert login(station).get(detail(member)).status_code == 404


def test_a_forged_inflow_organization_is_404(tree, members, secretary, station, login):
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    response = login(station).post(
        reverse("members:check_in"),
        {
            "id_number": member.id_number,
            "name": member.name,
            "checked_in_on": "2026-03-05",
            "inflow_org": tree.b1.pk,
        },
    )
    assert response.status_code == 404
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED


def test_the_check_in_picker_offers_branches_in_change_scope(tree, town, login):
    form = login(town).get(reverse("members:check_in")).context["form"]
    assert list(form.fields["inflow_org"].queryset) == [tree.a1, tree.a2]


def test_an_end_before_leaving_is_shown_and_changes_nothing(members, secretary, login):
    member = members["a1"]
    episode = away(member, actor=secretary, out_date=LEFT)
    response = login(secretary).post(
        reverse("members:end_episode", args=[member.pk, episode.pk]),
        {"status": "returned", "ended_on": "2026-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REGISTERED


def test_an_episode_under_another_member_is_404(members, secretary, login):
    episode = away(members["a1"], actor=secretary, out_date=LEFT)
    other = members["a2"]
    url = reverse("members:end_episode", args=[other.pk, episode.pk])
    assert login(secretary).get(url).status_code == 404


#: Session, user, roles, the organizations in view scope and the members shared with them, the
#: member (with its branch), the organizations in change scope, may-change, the branch path, and
#: the episodes (with their organizations and contact) in one query; the pairing card's contacts
#: (with who recorded them), the regular reports (with who received them), and may-record (the
#: members shared for recording, and the check); the certificates with their last yearly check;
#: the changes and moves while away (with who recorded them; issue 9, item 4).
#: Issue 10 added 5 (17 → 22): the organizational-life section's counts by year and kind with
#: the last participation (one grouped query) and its latest rows (with their meetings and
#: organizations, one query); the democratic evaluations (one query for the home side); the
#: study panel (the year's hours with the current post; the latest records: two queries).
#: Issue 11 added 2 (22 → 24): the dues panel's state (paid up to, months and amount owed, the
#: last payment: one SQL) and the standard in force. (An inflow organization's user asks one
#: more: whether it may record the member's payment.)
#: Issue 12 added 1 (24 → 25): the education and handling card's latest lines with their
#: decisions and alerts (one query; oversight/handling/panels.py).
#: and 1 more (25 → 26): the member's live alerts (oversight.alerts.panels), and 2 more
#: (26 → 28): the proper reasons running and the assigned work not done (oversight.conditions).
DETAIL_QUERIES = 28  # with the open transfer, the transfer suggestion, the standing decisions


def test_the_detail_page_costs_the_same_with_more_episodes(
    tree, members, secretary, town, login, django_assert_num_queries
):
    member = members["a1"]
    client = login(secretary)

    def absence(year: int, *, end: bool) -> None:
        episode = away(
            member,
            actor=secretary,
            out_date=dt.date(year, 3, 1),
            contact_person=secretary,
            intended_org=tree.a2,
        )
        check_in(member, actor=town, at=tree.a2, on=dt.date(year, 3, 5))
        if end:
            do_end_episode(
                actor=secretary,
                episode=episode,
                status=EpisodeStatus.RETURNED,
                ended_on=dt.date(year, 9, 1),
            )

    absence(2023, end=True)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert len(shown(client.get(detail(member)), "episodes")) == 1
    absence(2024, end=True)
    absence(2026, end=False)
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(detail(member))
    assert [e.out_date.year for e, _history in shown(page, "episodes")] == [2026, 2024, 2023]
