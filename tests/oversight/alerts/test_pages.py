"""The alerts' pages (issue 12, item 2): the list scoped per organization, its filters by rule,
group, status, severity, age, organization and name, the counts on the home page, the panel
on the member page, one alert's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import member as member_models
from oversight.alerts.queries import AlertFilters, alert_list
from oversight.models import Alert, AlertStatus
from tests.oversight.alerts.builders import make_alert, world_alerts
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

#: Which live alerts each persona sees: its organizations' and its members' (the home side
#: sees what the inflow side must do about its members; the inflow side its own).
SEEN = {
    "secretary": {"a1"},
    "committee": {"a1"},
    "town": {"a1", "shared", "a2_shared", "town_a"},
    "county": {"a1", "b1", "shared", "a2_shared", "town_a"},
    "secretary2": {"b1"},
    "station": {"shared", "a2_shared"},
    "inspector": {"a1", "b1", "shared", "a2_shared", "town_a"},
    "superuser": {"a1", "b1", "shared", "a2_shared", "town_a"},
}


@pytest.fixture
def alerts(tree, members) -> dict[str, Alert]:
    return world_alerts(tree, members)


def names(alerts: dict[str, Alert], lines: list[dict]) -> set[str]:
    by_pk = {alert.pk: name for name, alert in alerts.items()}
    return {by_pk[line["pk"]] for line in lines}


@pytest.mark.parametrize("persona", sorted(SEEN))
def test_each_persona_sees_the_alerts_of_its_scope(request, alerts, login, persona) -> None:
    response = login(request.getfixturevalue(persona)).get(reverse("oversight:alerts"))
    assert response.status_code == 200
    assert names(alerts, response.context["lines"]) == SEEN[persona]


@pytest.mark.parametrize("persona", sorted(SEEN))
def test_a_wide_scope_sees_the_same_alerts(request, alerts, monkeypatch, persona) -> None:
    """The wide scope's subqueries (a county and up) and the narrow scope's id lists agree."""
    user = request.getfixturevalue(persona)
    narrow = set(
        alert_list(user, AlertFilters(status="all"), today_()).values_list("pk", flat=True)
    )
    monkeypatch.setattr(member_models, "WIDE_SCOPE_ORGANIZATIONS", 0)
    fresh = type(user).objects.get(pk=user.pk)  # a new request: the scope is read again
    wide = set(alert_list(fresh, AlertFilters(status="all"), today_()).values_list("pk", flat=True))
    assert narrow == wide


def today_():
    from django.utils import timezone

    return timezone.localdate()


def test_anonymous_goes_to_the_login_page(alerts, client) -> None:
    for url in (reverse("oversight:alerts"), reverse("oversight:alert", args=[alerts["a1"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_alert_out_of_scope_is_not_found(alerts, login, secretary, secretary2) -> None:
    assert (
        login(secretary).get(reverse("oversight:alert", args=[alerts["b1"].pk])).status_code == 404
    )
    assert (
        login(secretary2).get(reverse("oversight:alert", args=[alerts["a1"].pk])).status_code == 404
    )


def listed(client, **query) -> set[int]:
    response = client.get(reverse("oversight:alerts"), query)
    assert response.status_code == 200, query
    return {line["pk"] for line in response.context["lines"]}


def test_filters(alerts, tree, login, county) -> None:
    client = login(county)
    pk = {name: alert.pk for name, alert in alerts.items()}
    assert listed(client, rule="dues_overdue") == {pk["a1"], pk["b1"]}
    assert listed(client, group="dues") == {pk["a1"], pk["b1"]}
    assert listed(client, severity="30") == {pk["shared"]}
    assert listed(client, age="week") == {pk["a1"]}
    assert listed(client, age="month") == {pk["shared"], pk["a2_shared"]}
    assert listed(client, age="quarter") == {pk["b1"]}
    assert listed(client, age="older") == {pk["town_a"]}
    assert listed(client, status="dismissed") == {pk["dismissed"]}
    assert len(listed(client, status="all")) == 6
    assert listed(client, org=str(tree.town_a.pk)) == {pk["a1"], pk["a2_shared"], pk["town_a"]}
    assert listed(client, org=str(alerts["b1"].organization_id)) == {pk["b1"]}
    assert listed(client, q="王乙") == {pk["b1"]}
    assert listed(client, q="wangjia") == {pk["a1"]}


def test_age_edges(tree, members, login, county) -> None:
    """Exactly 7 days is no longer "within 7 days"; exactly 90 is "over 90 days"."""
    six = make_alert(organization=tree.a1, member=members["a1"], days_ago=6, period="a")
    seven = make_alert(organization=tree.a1, member=members["a1"], days_ago=7, period="b")
    ninety = make_alert(organization=tree.a1, member=members["a1"], days_ago=90, period="c")
    client = login(county)
    assert listed(client, age="week") == {six.pk}
    assert seven.pk in listed(client, age="month")
    assert listed(client, age="older") == {ninety.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"rule": "no_such_rule"},
        {"group": "\x00"},
        {"q": "王\x00"},
        {"severity": "\uff13\uff10"},  # full-width 30
        {"severity": "99999999999999999999"},
        {"age": "9999-12-31"},
        {"age": "0001-01-01"},
        {"status": "deleted"},
        {"org": "\uff11\uff12"},  # full-width 12
        {"org": "abc"},
        {"org": "99999999999999999999999"},
        {"after": "garbage"},
        {"before": "WzEsMl0"},
        {"q": "x" * 500},
    ],
)
def test_a_hostile_query_string_is_ignored(alerts, login, secretary, query) -> None:
    """A bad value is shown as a field error and not applied: the live list as without it."""
    assert listed(login(secretary), **query) == {alerts["a1"].pk}


def test_an_organization_out_of_scope_is_not_found(alerts, tree, login, secretary) -> None:
    response = login(secretary).get(reverse("oversight:alerts"), {"org": str(tree.b1.pk)})
    assert response.status_code == 404


#: Session, user, roles, the scope's organizations (also the picker's options), the ids of the
#: members shared with it or shared elsewhere from it (the alert scope's member half), the page
#: (its rows read with their member and organizations after the limit: one query).
LIST_QUERIES = {"secretary": 6, "county": 6, "superuser": 3}


@pytest.mark.parametrize("persona", sorted(LIST_QUERIES))
def test_the_list_costs_the_same_however_many_lines(
    request, tree, members, login, django_assert_num_queries, persona
) -> None:
    client = login(request.getfixturevalue(persona))
    make_alert(organization=tree.a1, member=members["a1"], period="x")
    with django_assert_num_queries(LIST_QUERIES[persona]):
        assert len(client.get(reverse("oversight:alerts")).context["lines"]) == 1
    for n in range(20):
        make_alert(organization=tree.a1, member=members["a1"], period=f"p{n}", detail={"days": n})
    make_alert(organization=tree.town_a, subject_org=tree.a1, rule="meeting_frequency", period="y")
    with django_assert_num_queries(LIST_QUERIES[persona]):
        lines = client.get(reverse("oversight:alerts"), {"rule": "dues_overdue"}).context["lines"]
    assert len(lines) == 21


def test_a_page_holds_fifty_lines_and_links_to_the_next(tree, members, login, secretary) -> None:
    for n in range(55):
        make_alert(organization=tree.a1, member=members["a1"], period=f"p{n}", days_ago=n)
    client = login(secretary)
    first = client.get(reverse("oversight:alerts"))
    assert len(first.context["lines"]) == 50
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("oversight:alerts"), {"after": cursor})
    assert len(second.context["lines"]) == 5
    seen = {line["pk"] for line in first.context["lines"]}
    assert not seen & {line["pk"] for line in second.context["lines"]}


def test_the_line_says_it_in_chinese(alerts, login, town) -> None:
    page = login(town).get(reverse("oversight:alerts")).content.decode()
    assert "预警" in page
    assert "欠缴6个月" in page
    assert "欠缴240.00元" in page
    assert "提醒" in page  # the township's reminder about branch A1
    assert "甲一支部" in page
    assert reverse("members:detail", args=[alerts["a1"].member_id]) in page


def test_the_alert_page(alerts, login, secretary, django_assert_num_queries) -> None:
    client = login(secretary)
    url = reverse("oversight:alert", args=[alerts["a1"].pk])
    # Session, user, roles, the scope's organizations, the member half's ids, the alert (with
    # its organizations, member, who acted), its handlings.
    with django_assert_num_queries(7):
        response = client.get(url)
    page = response.content.decode()
    assert response.context["may_act"]
    assert "确认" in page
    assert "data-handling-slot" in page
    assert reverse("oversight:alert_dismiss", args=[alerts["a1"].pk]) in page
    # From the alert to the handling card, answering it (issue 12, item 3).
    handling = reverse("oversight:handling_new", args=[alerts["a1"].member_id])
    assert f"{handling}?alert={alerts['a1'].pk}" in page


def test_the_inspector_sees_the_alert_without_buttons(alerts, login, inspector) -> None:
    response = login(inspector).get(reverse("oversight:alert", args=[alerts["a1"].pk]))
    assert response.status_code == 200
    assert not response.context["may_act"]
    assert reverse("oversight:alert_dismiss", args=[alerts["a1"].pk]) not in (
        response.content.decode()
    )
    assert response.context["handling_url"] == ""


def test_home_counts_by_rule_group(alerts, login, county, secretary) -> None:
    panel_cards = shown(login(county).get(reverse("home")), "alert_cards")
    counts = {card["group"]: card["count"] for card in panel_cards}
    # The made-up rules (not registered) count in no group of their own: "" holds them.
    assert counts["dues"] == 2
    assert shown(login(county).get(reverse("home")), "alert_total") == 5
    page = login(secretary).get(reverse("home")).content.decode()
    assert reverse("oversight:alerts") + "?group=dues" in page
    assert "党费" in page


def test_the_home_panel_costs_two_queries(tree, members, login, secretary) -> None:
    """Home page: see tests/members/register/test_queries.py (the whole page is pinned there)."""
    make_alert(organization=tree.a1, member=members["a1"])
    assert shown(login(secretary).get(reverse("home")), "alert_total") == 1


def test_the_member_page_lists_live_alerts(alerts, login, town, station) -> None:
    url = reverse("members:detail", args=[alerts["shared"].member_id])
    town_page = login(town).get(url)
    rows = shown(town_page, "member_alerts")
    assert {row["pk"] for row in rows} == {alerts["shared"].pk, alerts["a2_shared"].pk}
    assert reverse("oversight:alert", args=[alerts["shared"].pk]) in town_page.content.decode()
    # The inflow side sees the shared member's page and the alert it must act on, but records
    # no handling (the home side's).
    station_rows = shown(login(station).get(url), "member_alerts")
    assert [row["handling_url"] for row in station_rows] == ["", ""]


def test_no_alert_no_panel(alerts, login, secretary2, members) -> None:
    page = login(secretary2).get(reverse("members:detail", args=[members["b1"].pk]))
    assert "data-member-alerts" in page.content.decode()
    Alert.objects.filter(member=members["b1"]).update(status=AlertStatus.RESOLVED)
    page = login(secretary2).get(reverse("members:detail", args=[members["b1"].pk]))
    assert "data-member-alerts" not in page.content.decode()


def test_the_menu_shows_alerts_to_every_role(login, secretary, station, inspector) -> None:
    for user in (secretary, station, inspector):
        page = login(user).get(reverse("oversight:alerts")).content.decode()
        assert 'href="/oversight/alerts/" aria-current="page"' in page
