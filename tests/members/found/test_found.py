"""Check-in routed by management mode, and found members: in the system without an outflow
registration (a found episode), or outside it (a found arrival, matched later)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from members.builders import away, check_in, found_arrival, found_member
from members.found.actions import (
    do_close_found_arrival,
    do_match_found_arrival,
    do_register_found_member,
)
from members.mobility.actions import do_check_in_member
from members.models import (
    ArrivalStatus,
    EpisodeOrigin,
    EpisodeStatus,
    FoundArrival,
    Member,
    MobilityEpisode,
)
from organizations.models import ManagementMode, Notice, OrgKind, Sector
from tests.factories import MemberFactory, OrganizationFactory, make_id_number, system_user

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

ARRIVED = dt.date(2026, 3, 5)
LEFT = dt.date(2026, 3, 1)
#: Where the members away went: 浙江省乙县.
PLACE = {"destination_city": "", "destination_county": "乙县"}
#: A valid ID-card number nobody in the tree holds.
OUTSIDER_ID = make_id_number(dt.date(1988, 8, 8), sequence=777, gender="M", region="330102")


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
def community(tree):
    """An integrated community organization in township A (where town's officer checks in)."""
    return OrganizationFactory.create(
        parent=tree.town_a,
        name="幸福社区党支部",
        kind=OrgKind.BRANCH,
        sector=Sector.COMMUNITY,
        management_mode=ManagementMode.INTEGRATED,
        address="甲镇幸福路8号",
    )


@pytest.fixture
def traveller(tree):
    """A member of B1 (township B) who goes to township A."""
    return MemberFactory.create(name="林远行", home_org=tree.b1)


def check_in_post(member: Member, inflow_org, **extra) -> dict[str, object]:
    return {
        "id_number": member.id_number,
        "name": member.name,
        "checked_in_on": "2026-03-05",
        "inflow_org": inflow_org.pk,
        **extra,
    }


def found_post(member: Member, inflow_org, **extra) -> dict[str, object]:
    return {
        "id_number": member.id_number,
        "name": member.name,
        "arrived_on": "2026-03-05",
        "left_on": "2026-02-20",
        "destination_province": "浙江省",
        "destination_county": "甲县",
        "occupation": "migrant",
        "inflow_org": inflow_org.pk,
        "step": "register",
        **extra,
    }


def audit_entries(instance, **filters):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        **filters,
    )


# --- Routing at check-in ----------------------------------------------------------------------


def test_the_check_in_page_suggests_by_what_is_known_and_saves_nothing(
    tree, community, traveller, town, login
):
    away(traveller, actor=system_user(), out_date=LEFT, **PLACE)
    client = login(town)
    response = client.post(
        reverse("members:check_in"),
        {**check_in_post(traveller, tree.a1), "residence": "甲镇幸福社区3栋", "step": "suggest"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert form.route.organization == community
    assert form.route.mode == ManagementMode.INTEGRATED
    # The suggestion is chosen in the picker, and what was typed is kept.
    assert form.initial["inflow_org"] == community.pk
    page = response.content.decode()
    assert "Suggested: 幸福社区党支部" in page
    assert 'value="甲镇幸福社区3栋"' in page
    episode = MobilityEpisode.objects.get(member=traveller)
    assert episode.status == EpisodeStatus.REGISTERED


def test_choosing_another_organization_needs_a_reason(tree, community, traveller, town, login):
    away(traveller, actor=system_user(), out_date=LEFT, **PLACE)
    client = login(town)
    data = check_in_post(traveller, tree.a1, residence="甲镇幸福社区3栋")
    response = client.post(reverse("members:check_in"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["routing_override_reason"]
    assert errors == [
        "The management mode suggests 幸福社区党支部: give the reason for choosing another "
        "organization."
    ]
    assert MobilityEpisode.objects.get(member=traveller).status == EpisodeStatus.REGISTERED

    response = client.post(
        reverse("members:check_in"), {**data, "routing_override_reason": "在甲一支部所在企业务工"}
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=traveller)
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert episode.inflow_org == tree.a1
    assert episode.suggested_org == community
    assert episode.routing_override_reason == "在甲一支部所在企业务工"
    assert episode.routing_mode == ""  # A1 has no management mode of its own
    # What the inflow side learnt fills what the outflow registration left empty.
    assert episode.destination_address == "甲镇幸福社区3栋"
    page = client.get(reverse("members:detail", args=[traveller.pk])).content.decode()
    assert "Chosen instead of the suggested organization: 在甲一支部所在企业务工" in page


def test_taking_the_suggestion_stores_the_mode_and_no_reason(
    tree, community, traveller, town, login
):
    away(traveller, actor=system_user(), out_date=LEFT, **PLACE)
    response = login(town).post(
        reverse("members:check_in"),
        check_in_post(
            traveller, community, residence="幸福社区", routing_override_reason="用不上的理由"
        ),
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=traveller)
    assert episode.inflow_org == community
    assert episode.suggested_org == community
    assert episode.routing_mode == ManagementMode.INTEGRATED
    assert episode.routing_override_reason == ""
    page = login(town).get(reverse("members:detail", args=[traveller.pk])).content.decode()
    assert "Integrated (community where they live)" in page


def test_the_station_is_suggested_to_station_staff(tree, members, station, login):
    away(members["a1"], actor=system_user(), out_date=LEFT, **PLACE)
    form = login(station).get(reverse("members:check_in")).context["form"]
    assert form.route.organization == tree.bs
    assert form.initial["inflow_org"] == tree.bs.pk
    response = login(station).post(
        reverse("members:check_in"), check_in_post(members["a1"], tree.bs)
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=members["a1"])
    assert episode.routing_mode == ManagementMode.AFFILIATED
    assert episode.suggested_org == tree.bs


def test_the_action_refuses_an_override_without_reason(tree, community, traveller, town):
    away(traveller, actor=system_user(), out_date=LEFT, **PLACE)
    with pytest.raises(ValidationError) as refused:
        do_check_in_member(
            actor=town,
            inflow_org=tree.a1,
            id_number=traveller.id_number,
            name=traveller.name,
            checked_in_on=ARRIVED,
            suggested_org=community,
            routing_override_reason="  ",
        )
    assert "routing_override_reason" in refused.value.error_dict
    assert MobilityEpisode.objects.get(member=traveller).status == EpisodeStatus.REGISTERED


def test_a_forged_suggestion_is_refused(tree, traveller, station):
    away(traveller, actor=system_user(), out_date=LEFT, **PLACE)
    with pytest.raises(PermissionDenied):
        do_check_in_member(
            actor=station,
            inflow_org=tree.bs,
            id_number=traveller.id_number,
            name=traveller.name,
            checked_in_on=ARRIVED,
            suggested_org=tree.a1,
        )


# --- Found members in the system --------------------------------------------------------------


def test_a_member_without_outflow_is_offered_found_never_automatically(
    tree, members, station, login
):
    member = members["a1"]
    client = login(station)
    response = client.post(reverse("members:check_in"), check_in_post(member, tree.bs))
    assert response.status_code == 200
    assert "has no outflow registration" in " ".join(response.context["form"].non_field_errors())
    assert response.context["offer"] == "found"
    page = response.content.decode()
    assert reverse("members:found_member") in page
    assert not MobilityEpisode.objects.filter(member=member).exists()

    # The offer carries what was typed to the found page, which shows it and saves nothing.
    response = client.post(
        reverse("members:found_member"),
        {
            "step": "prefill",
            "id_number": member.id_number,
            "name": member.name,
            "arrived_on": "2026-03-05",
            "inflow_org": tree.bs.pk,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial["name"] == member.name
    assert not MobilityEpisode.objects.filter(member=member).exists()
    assert login(station).get(reverse("members:detail", args=[member.pk])).status_code == 404


def test_registering_a_found_member(tree, members, station, secretary, login):
    member = members["a1"]
    client = login(station)
    response = client.post(reverse("members:found_member"), found_post(member, tree.bs))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.origin == EpisodeOrigin.FOUND
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert episode.home_org == tree.a1
    assert episode.inflow_org == tree.bs
    assert episode.out_date == dt.date(2026, 2, 20)
    assert episode.checked_in_on == ARRIVED
    assert episode.destination == "浙江省甲县"
    assert episode.routing_mode == ManagementMode.AFFILIATED
    assert episode.checked_in_by == station
    member.refresh_from_db()
    assert member.is_mobile
    assert member.mobile_destination == "浙江省甲县"
    # Shared with the station exactly like a check-in: it sees the member now.
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Found by the inflow organization" in page
    # The home branch is told its member was found without an outflow registration.
    notice = Notice.objects.get(organization=tree.a1)
    assert notice.title == "王甲一 was found at 乙镇流动党员服务站 without an outflow registration"
    assert notice.url == reverse("members:detail", args=[member.pk])
    # Audited, naming the station's user.
    [entry] = audit_entries(episode, action=AuditEntry.Action.CREATE)
    assert entry.actor == station
    assert entry.org_path == tree.a1.path
    assert audit_entries(member, event="member.shared").exists()
    # The home side keeps the episode: it ends it like any other.
    assert (
        login(secretary)
        .get(reverse("members:end_episode", args=[member.pk, episode.pk]))
        .status_code
        == 200
    )


def test_without_the_date_of_leaving_the_arrival_is_used(tree, members, station):
    episode = do_register_found_member(
        actor=station,
        inflow_org=tree.bs,
        id_number=members["a1"].id_number,
        name=members["a1"].name,
        arrived_on=ARRIVED,
        destination_province="浙江省",
        destination_county="甲县",
    )
    assert episode.out_date == ARRIVED
    assert episode.occupation == "other"
    assert episode.reason


def test_found_is_refused_for_a_member_already_away(tree, members, station, secretary2):
    member = members["a1"]
    away(member, actor=system_user(), out_date=LEFT, **PLACE)
    found: dict[str, Any] = {
        "id_number": member.id_number,
        "name": member.name,
        "arrived_on": ARRIVED,
        "destination_province": "浙江省",
        "destination_county": "甲县",
    }
    with pytest.raises(ValidationError, match="check the member in instead"):
        do_register_found_member(actor=station, inflow_org=tree.bs, **found)
    check_in(member, actor=secretary2, at=tree.b1, on=ARRIVED)
    with pytest.raises(ValidationError, match="already checked in at 乙一支部 on 2026-03-05"):
        do_register_found_member(actor=station, inflow_org=tree.bs, **found)
    assert MobilityEpisode.objects.filter(member=member).count() == 1


def test_found_is_refused_for_a_wrong_name_or_at_home(tree, members, station, secretary):
    member = members["a1"]
    place: dict[str, Any] = {"destination_province": "浙江省", "destination_county": "甲县"}
    with pytest.raises(ValidationError, match="No member with this ID-card number and name"):
        do_register_found_member(
            actor=station,
            inflow_org=tree.bs,
            id_number=member.id_number,
            name="王某",
            arrived_on=ARRIVED,
            **place,
        )
    with pytest.raises(ValidationError, match="checks in away from home"):
        do_register_found_member(
            actor=secretary,
            inflow_org=tree.a1,
            id_number=member.id_number,
            name=member.name,
            arrived_on=ARRIVED,
            **place,
        )
    assert not MobilityEpisode.objects.exists()


def test_found_dates_out_of_order_are_field_errors(tree, members, station, login):
    response = login(station).post(
        reverse("members:found_member"),
        found_post(members["a1"], tree.bs, left_on="2026-04-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["left_on"]
    assert not MobilityEpisode.objects.exists()


def test_a_forged_organization_on_the_found_pages_is_404(tree, members, station, login):
    client = login(station)
    response = client.post(reverse("members:found_member"), found_post(members["a1"], tree.b1))
    assert response.status_code == 404
    assert not MobilityEpisode.objects.exists()
    response = client.post(reverse("members:found_new"), arrival_post(tree.a1))
    assert response.status_code == 404
    assert not FoundArrival.objects.exists()


def test_the_found_override_needs_a_reason(tree, community, traveller, town, login):
    data = found_post(traveller, tree.a2, residence="幸福社区")
    response = login(town).post(reverse("members:found_member"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["routing_override_reason"]
    response = login(town).post(
        reverse("members:found_member"), {**data, "routing_override_reason": "住在甲二"}
    )
    assert response.status_code == 302
    episode = MobilityEpisode.objects.get(member=traveller)
    assert (episode.inflow_org, episode.suggested_org) == (tree.a2, community)
    assert episode.routing_override_reason == "住在甲二"


# --- Found people outside the system ----------------------------------------------------------


def arrival_post(inflow_org, **extra) -> dict[str, object]:
    return {
        "id_number": OUTSIDER_ID,
        "name": "赵外来",
        "phone": "13911112222",
        "claimed_home_org": "浙江省某县某村党支部",
        "arrived_on": "2026-03-05",
        "residence": "乙镇新村",
        "employer": "乙镇砖厂",
        "inflow_org": inflow_org.pk,
        "step": "record",
        **extra,
    }


def record_arrival(actor, inflow_org, id_number=OUTSIDER_ID, name="赵外来"):
    return found_arrival(
        actor=actor,
        at=inflow_org,
        id_number=id_number,
        name=name,
        claimed_home_org="浙江省某县某村党支部",
        on=ARRIVED,
    )


def test_an_unknown_number_is_offered_a_found_arrival(tree, station, login):
    client = login(station)
    data = {
        "id_number": OUTSIDER_ID,
        "name": "赵外来",
        "checked_in_on": "2026-03-05",
        "inflow_org": tree.bs.pk,
    }
    response = client.post(reverse("members:check_in"), data)
    assert response.status_code == 200
    assert response.context["offer"] == "arrival"
    assert not FoundArrival.objects.exists()

    response = client.post(reverse("members:found_new"), arrival_post(tree.bs))
    assert response.status_code == 302
    arrival = FoundArrival.objects.get()
    assert (arrival.name, arrival.inflow_org, arrival.status) == ("赵外来", tree.bs, "open")
    assert arrival.recorded_by == station
    [entry] = audit_entries(arrival, action=AuditEntry.Action.CREATE)
    assert entry.actor == station
    assert OUTSIDER_ID not in json.dumps(entry.changes)  # masked in the trail


def test_a_second_open_record_of_one_person_is_refused_naming_where(
    tree, station, secretary2, login
):
    record_arrival(station, tree.bs)
    response = login(secretary2).post(reverse("members:found_new"), arrival_post(tree.b1))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        "This person is already recorded as found, by 乙镇流动党员服务站 on 2026-03-05."
    ]
    assert FoundArrival.objects.count() == 1


def test_a_member_in_the_system_is_not_a_found_arrival(tree, members, station):
    """Issue 9, item 21: the member whose number and name check-in would find is refused."""
    member = members["a1"]
    with pytest.raises(ValidationError, match="is in the system"):
        record_arrival(station, tree.bs, id_number=member.id_number, name=member.name)
    assert not FoundArrival.objects.exists()


def test_a_registered_number_with_another_name_is_answered_as_an_unknown_one(
    tree, members, station, login
):
    """Issue 9, item 21: the found-person form told whether an ID-card number is registered
    ("该身份证号码已在系统中登记…") to any branch or station user. A registered number with
    a wrong name is now answered as check-in answers it: like a number nobody holds."""
    client = login(station)
    unknown = client.post(reverse("members:found_new"), arrival_post(tree.bs))
    wrong_name = client.post(
        reverse("members:found_new"),
        arrival_post(tree.bs, id_number=members["b1"].id_number, name="别名"),
    )
    assert unknown.status_code == wrong_name.status_code == 302
    assert unknown["Location"] == wrong_name["Location"]
    assert set(FoundArrival.objects.values_list("name", flat=True)) == {"赵外来", "别名"}


def test_an_invalid_number_is_a_field_error(tree, station, login):
    response = login(station).post(
        reverse("members:found_new"), arrival_post(tree.bs, id_number="330102198808081234")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not FoundArrival.objects.exists()


def test_the_list_is_the_inflow_side_and_the_committees_above(
    tree, station, secretary2, town, county, inspector, secretary, login
):
    record_arrival(station, tree.bs)
    second = make_id_number(dt.date(1990, 1, 1), sequence=5, gender="F", region="330102")
    record_arrival(town, tree.a2, id_number=second, name="钱外来")
    url = reverse("members:found_list")

    def names(user):
        return [row["arrival"].name for row in login(user).get(url).context["rows"]]

    assert names(station) == ["赵外来"]
    assert names(secretary2) == []  # the station's sibling branch
    assert names(town) == ["钱外来"]  # township A, not B's station
    assert sorted(names(county)) == ["赵外来", "钱外来"]
    assert sorted(names(inspector)) == ["赵外来", "钱外来"]
    assert names(secretary) == []  # A1 is below township A but A2 recorded it
    # Only the inflow side may act on them.
    page = login(inspector).get(url).content.decode()
    assert "/close/" not in page


def test_the_list_costs_the_same_with_more_rows(tree, station, login, django_assert_num_queries):
    client = login(station)
    url = reverse("members:found_list")
    record_arrival(station, tree.bs)
    #: Session, user, roles, the organizations in view scope, the count, the page's rows (with
    #: their organization), the organizations in change scope.
    with django_assert_num_queries(6):
        assert len(client.get(url).context["rows"]) == 1
    for n in range(5):
        other = make_id_number(dt.date(1980, 1, 1 + n), sequence=n, gender="M", region="330102")
        record_arrival(station, tree.bs, id_number=other, name=f"孙{n}")
    with django_assert_num_queries(6):
        assert len(client.get(url).context["rows"]) == 6


def test_closing_a_record_needs_a_note_and_keeps_it(tree, station, login):
    arrival = record_arrival(station, tree.bs)
    url = reverse("members:found_close", args=[arrival.pk])
    response = login(station).post(url, {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    response = login(station).post(url, {"note": "已离开本地"})
    assert response.status_code == 302
    arrival.refresh_from_db()
    assert (arrival.status, arrival.note) == (ArrivalStatus.CLOSED, "已离开本地")
    # Closed is closed: a second close or a match is refused.
    with pytest.raises(ValidationError, match="already closed"):
        do_close_found_arrival(actor=station, arrival=arrival, note="再次")
    # A closed record no longer blocks a new one for the same person.
    record_arrival(station, tree.bs)
    assert FoundArrival.objects.count() == 2


def test_matching_waits_for_the_home_organization(tree, station, login):
    arrival = record_arrival(station, tree.bs)
    url = reverse("members:found_match", args=[arrival.pk])
    response = login(station).post(
        url, {"destination_province": "浙江省", "destination_county": "乙县", "occupation": "other"}
    )
    assert response.status_code == 200
    assert "in the system yet" in " ".join(response.context["form"].non_field_errors())
    arrival.refresh_from_db()
    assert arrival.status == ArrivalStatus.OPEN


def test_matching_makes_a_found_episode(tree, station, login):
    arrival = record_arrival(station, tree.bs)
    # The home organization joins the system and registers its member.
    member = MemberFactory.create(name="赵外来", id_number=OUTSIDER_ID, home_org=tree.a1)
    url = reverse("members:found_match", args=[arrival.pk])
    response = login(station).post(url, {"destination_province": "浙江省", "occupation": "other"})
    assert response.status_code == 200
    assert response.context["form"].errors["destination_county"]
    response = login(station).post(
        url, {"destination_province": "浙江省", "destination_county": "乙县", "occupation": "other"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    arrival.refresh_from_db()
    assert arrival.status == ArrivalStatus.MATCHED
    assert arrival.matched_member == member
    episode = MobilityEpisode.objects.get(member=member)
    assert episode.origin == EpisodeOrigin.FOUND
    assert episode.inflow_org == tree.bs
    assert episode.checked_in_on == ARRIVED
    assert Notice.objects.filter(organization=tree.a1).exists()


def test_matching_checks_in_when_the_outflow_was_registered_meanwhile(tree, station):
    arrival = record_arrival(station, tree.bs)
    member = MemberFactory.create(name="赵外来", id_number=OUTSIDER_ID, home_org=tree.a1)
    away(member, actor=system_user(), out_date=LEFT, **PLACE)
    episode = do_match_found_arrival(actor=station, arrival=arrival)
    assert episode.origin == EpisodeOrigin.REGISTERED
    assert episode.status == EpisodeStatus.CHECKED_IN
    assert episode.inflow_org == tree.bs
    arrival.refresh_from_db()
    assert arrival.status == ArrivalStatus.MATCHED


def test_only_the_inflow_side_closes(tree, station, secretary2):
    arrival = record_arrival(station, tree.bs)
    with pytest.raises(PermissionDenied):
        do_close_found_arrival(actor=secretary2, arrival=arrival, note="不是我们的")
    arrival.refresh_from_db()
    assert arrival.status == ArrivalStatus.OPEN


def test_no_found_offer_at_home_or_for_a_member_away(tree, members, secretary, station, login):
    member = members["a1"]
    response = login(secretary).post(reverse("members:check_in"), check_in_post(member, tree.a1))
    assert "checks in away from home" in " ".join(response.context["form"].non_field_errors())
    assert response.context["offer"] == ""
    found_member(member, actor=station, at=tree.bs, on=ARRIVED)
    response = login(station).post(reverse("members:check_in"), check_in_post(member, tree.bs))
    assert "already checked in at 乙镇流动党员服务站" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert response.context["offer"] == ""
