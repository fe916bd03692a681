"""Stations receive and serve arriving members but hold no member's relationship.

Issue 9, item 10: a check-in station (服务站/报到点) is neither a member's home organization nor
a transfer's destination, unless settings.STATIONS_HOLD_MEMBERS says the place's stations are
real branches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.builders import away, check_in
from members.models import Member
from members.register.actions import do_update_member
from members.register.forms import MemberForm
from organizations.models import relationship_kinds
from tests.factories import MemberFactory
from tests.members.register.test_forms import card
from transfers.actions import do_reissue_letter, do_start_transfer
from transfers.builders import transfer_in
from transfers.forms import StartTransferForm, org_options, receiving_organizations

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

DUES = timezone.localdate().replace(day=1)


def refusal(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_a_station_is_not_a_kind_that_holds_relationships_by_default(settings):
    """Issue 9, item 10: the setting is off by default; on, stations hold members."""
    assert "station" not in relationship_kinds()
    settings.STATIONS_HOLD_MEMBERS = True
    assert "station" in relationship_kinds()


def test_a_member_cannot_be_registered_at_a_station(tree):
    """Issue 9, item 10: no member's home organization may be a station (model validation, in
    Chinese, naming the station)."""
    before = Member.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        MemberFactory.create(name="王站员", home_org=tree.bs)
    message = refusal(exc, "home_org")
    assert tree.bs.name in message
    assert "组织关系" in message
    assert Member.objects.count() == before


def test_a_member_cannot_be_moved_to_a_station(tree, members, county):
    """Issue 9, item 10: an edit that moves a member to a station is refused."""
    member = members["b1"]
    with pytest.raises(ValidationError) as exc:
        do_update_member(actor=county, member=member, home_org=tree.bs)
    assert "home_org" in exc.value.message_dict
    assert Member.objects.get(pk=member.pk).home_org_id == tree.b1.pk


def test_where_stations_are_real_branches_they_hold_members(tree, settings):
    """Issue 9, item 10: STATIONS_HOLD_MEMBERS=True for places whose stations are branches."""
    settings.STATIONS_HOLD_MEMBERS = True
    member = MemberFactory.create(name="王站员", home_org=tree.bs)
    assert member.home_org_id == tree.bs.pk


def test_the_member_form_does_not_offer_a_station(tree, station, county):
    """Issue 9, item 10: the register's branch picker offers no station."""
    offered = set(MemberForm(actor=county).fields["home_org"].queryset)  # type: ignore[attr-defined]
    assert tree.b1 in offered
    assert tree.bs not in offered
    assert list(MemberForm(actor=station).fields["home_org"].queryset) == []  # type: ignore[attr-defined]


def test_a_member_posted_at_a_station_is_a_forged_request(tree, station, login):
    """Issue 9, item 10: the station's staff cannot register a member at the station; the id
    is not among the choices, so the post is forged (404) and nothing is saved."""
    before = Member.objects.count()
    response = login(station).post(reverse("members:create"), card(tree.bs))
    assert response.status_code == 404
    assert Member.objects.count() == before


def test_a_transfer_to_a_station_is_refused_in_chinese(tree, members, secretary):
    """Issue 9, item 10: no transfer destination may be a station."""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        do_start_transfer(
            actor=secretary,
            member=members["a1"],
            to_org=tree.bs,
            reason="工作调动",
            dues_paid_until=DUES,
        )
    message = refusal(exc, "to_org")
    assert tree.bs.name in message
    assert "服务站" in message or "报到" in message


def test_a_letter_cannot_be_reissued_to_a_station(tree, members, county):
    """Issue 9, item 10: correcting the destination on a reissue is refused for a station."""
    transfer = transfer_in("expired", member=members["a1"], actor=county, to=tree.b1)
    with pytest.raises(ValidationError) as exc:
        do_reissue_letter(
            actor=county, transfer=transfer, issued_on=timezone.localdate(), to_org=tree.bs
        )
    assert "to_org" in exc.value.message_dict


def test_the_receiving_picker_does_not_offer_a_station(tree, settings):
    """Issue 9, item 10: the transfer's organization picker and its search offer no station,
    and a posted station id is not a choice; with the setting on they do."""
    assert tree.bs not in receiving_organizations()
    assert tree.bs not in org_options("服务站")
    form = StartTransferForm(
        {"to_org": tree.bs.pk, "reason": "x", "dues_paid_until": "2026-01", "valid_days": 30}
    )
    assert tree.bs not in form.fields["to_org"].queryset  # type: ignore[attr-defined]
    settings.STATIONS_HOLD_MEMBERS = True
    assert tree.bs in receiving_organizations()
    assert tree.bs in StartTransferForm().fields["to_org"].queryset  # type: ignore[attr-defined]


def test_the_check_in_still_takes_members_at_a_station(tree, members, secretary, station):
    """Issue 9, item 10: stations still receive arriving members (check-in is unchanged)."""
    today = timezone.localdate()
    away(members["a1"], actor=secretary, out_date=today - dt.timedelta(days=5))
    episode = check_in(members["a1"], actor=station, at=tree.bs, on=today)
    assert episode.inflow_org == tree.bs
