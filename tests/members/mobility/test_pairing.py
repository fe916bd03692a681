"""The designated contact (联系人) and the pairing partner (结对党员) may be an ordinary party
member of the home branch, not only a staff account (issue 9, item 11)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from members.builders import away
from members.mobility.actions import do_end_episode, do_record_contact, do_register_outflow
from members.models import EpisodeStatus, Member, MobilityEpisode, Standing
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

OUTFLOW_POST = {
    "out_date": "2026-03-01",
    "destination_province": "浙江省",
    "destination_county": "乙县",
    "occupation": "migrant",
    "reason": "务工",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def login(login, settings):
    def _login(user):
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _login


@pytest.fixture
def partner(tree) -> Member:
    """An ordinary party member of the branch 甲一支部 (no staff account)."""
    return MemberFactory.create(name="李结对", home_org=tree.a1, phone="13800001111")


def outflow(member: Member) -> str:
    return reverse("members:outflow", args=[member.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_picker_offers_the_home_branchs_members_in_good_standing(
    tree, members, partner, secretary, login
):
    """Issue 9, item 11: the pairing partner is a member of the home branch in good standing;
    the member themself, members of other branches, suspended and archived members are not
    offered."""
    member = members["a1"]
    suspended = MemberFactory.create(name="赵停止", home_org=tree.a1)
    Member.objects.filter(pk=suspended.pk).update(standing=Standing.SUSPENDED)
    archived = MemberFactory.create(name="钱归档", home_org=tree.a1)
    Member.objects.filter(pk=archived.pk).update(archived_at=dt.datetime.now(dt.UTC))
    form = login(secretary).get(outflow(member)).context["form"]
    offered = list(form.fields["contact_member"].queryset)
    assert partner in offered
    assert member not in offered
    assert members["a2"] not in offered
    assert suspended not in offered
    assert archived not in offered
    assert list(Member.objects.pairing_partners(member)) == offered


def test_a_party_member_as_the_contact_shows_on_the_page_the_lists_and_the_card(
    tree, members, partner, secretary, login
):
    """Issue 9, item 11: the designated contact named on the outflow form as a party member is
    shown on the member's page, the away and contact-overdue lists, and the pairing card
    (结对联心卡) with the partner's phone; contacts on the card stay recorded by staff."""
    member = members["a1"]
    client = login(secretary)
    response = client.post(outflow(member), {**OUTFLOW_POST, "contact_member": partner.pk})
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.contact_member == partner
    assert episode.contact_person is None
    assert episode.contact == partner

    page = text_of(client.get(reverse("members:detail", args=[member.pk])))
    assert (
        '<dd class="episode-contact">李结对 <span class="small text-body-secondary">'
        "(party member of the branch)</span></dd>" in page
    )
    for slug in ("away", "contact_overdue"):
        rows = client.get(reverse(f"members:{slug}")).content.decode()
        assert "<td>李结对</td>" in rows, slug

    do_record_contact(
        actor=secretary,
        member=member,
        contacted_on=dt.date(2026, 4, 1),
        channel="phone",
        summary="电话了解近况",
    )
    card = text_of(client.get(reverse("members:five_cards", args=[member.pk])))
    assert '<th>Pairing partner</th><td class="fc-contact">李结对</td>' in card
    assert "13800001111" in card


def test_a_staff_contact_is_still_named_the_designated_contact(members, secretary, login):
    """Issue 9, item 11: a staff account stays possible as the designated contact."""
    member = members["a1"]
    client = login(secretary)
    assert (
        client.post(outflow(member), {**OUTFLOW_POST, "contact_person": secretary.pk}).status_code
        == 302
    )
    card = text_of(client.get(reverse("members:five_cards", args=[member.pk])))
    assert f'<th>Designated contact</th><td class="fc-contact">{secretary}' in card


@pytest.mark.parametrize("who", ["self", "other_branch", "suspended"])
def test_a_forged_partner_is_a_field_error_and_saves_nothing(who, tree, members, secretary, login):
    """Issue 9, item 11: a posted partner who is not a member in good standing of the home
    branch (the member themself, another branch's, a suspended one) is refused on the field."""
    member = members["a1"]
    suspended = MemberFactory.create(name="赵停止", home_org=tree.a1)
    Member.objects.filter(pk=suspended.pk).update(standing=Standing.SUSPENDED)
    forged = {"self": member, "other_branch": members["a2"], "suspended": suspended}[who]
    response = login(secretary).post(outflow(member), {**OUTFLOW_POST, "contact_member": forged.pk})
    assert response.status_code == 200
    assert "contact_member" in response.context["form"].errors
    assert not MobilityEpisode.objects.filter(member=member).exists()


def test_naming_both_a_staff_and_a_member_contact_is_refused(members, partner, secretary, login):
    """Issue 9, item 11: one designated contact, a staff member or a party member."""
    member = members["a1"]
    response = login(secretary).post(
        outflow(member),
        {**OUTFLOW_POST, "contact_person": secretary.pk, "contact_member": partner.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contact_member"] == [
        "Name one designated contact: a staff member or a party member of the branch, not both."
    ]
    assert not MobilityEpisode.objects.filter(member=member).exists()


def test_the_action_refuses_a_partner_of_another_branch(members, secretary):
    """Issue 9, item 11: the action checks the partner too (a caller without the form)."""
    with pytest.raises(ValidationError) as refused:
        away(members["a1"], actor=secretary, contact_member=members["a2"])
    assert "contact_member" in refused.value.message_dict
    with pytest.raises(ValidationError):
        away(members["a1"], actor=secretary, contact_member=members["a1"])
    assert not MobilityEpisode.objects.filter(member=members["a1"]).exists()


def test_the_database_holds_one_contact_at_most(members, partner, secretary):
    """Issue 9, item 11: the constraint `episode_one_designated_contact`."""
    episode = do_register_outflow(
        actor=secretary,
        member=members["a1"],
        out_date=dt.date(2026, 3, 1),
        destination_province="浙江省",
        destination_county="乙县",
        occupation="migrant",
        reason="务工",
        contact_member=partner,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MobilityEpisode.objects.filter(pk=episode.pk).update(contact_person=secretary)


def test_a_partner_who_later_leaves_does_not_block_the_return(members, partner, secretary):
    """Issue 9, item 11: the partner is checked when chosen; a partner suspended since does not
    keep the absence from ending."""
    episode = away(members["a1"], actor=secretary, contact_member=partner)
    Member.objects.filter(pk=partner.pk).update(standing=Standing.SUSPENDED)
    ended = do_end_episode(
        actor=secretary,
        episode=episode,
        status=EpisodeStatus.RETURNED,
        ended_on=dt.date.today(),
    )
    assert ended.status == EpisodeStatus.RETURNED
    assert ended.contact_member == partner
