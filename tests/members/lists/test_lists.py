"""The secretary's lists of mobile members: who is on each list (with dates around the
thresholds), who sees which list (home side, inflow side, neither), the filters, the counts,
and what a page costs in queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.builders import away, check_in, check_in_outside, lose_contact
from members.lists.queries import LISTS, Reach, Thresholds, episode_counts, lost_base, lost_summary
from members.mobility.actions import (
    do_end_episode,
    do_mark_member_lost,
    do_record_contact,
    do_record_finding_attempt,
    do_record_report,
)
from members.models import EpisodeStatus
from tests.factories import MemberFactory, UserFactory, archive
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def ago(days: int) -> dt.date:
    return TODAY - days * DAY


def contact(member, *, days_ago, actor):
    do_record_contact(
        actor=actor,
        member=member,
        contacted_on=TODAY - days_ago * DAY,
        channel="phone",
        summary="电话联系",
    )


def report(member, *, days_ago, actor):
    do_record_report(
        actor=actor,
        member=member,
        reported_on=TODAY - days_ago * DAY,
        channel="wechat",
        summary="汇报思想和工作",
    )


def names(slug, user, **thresholds):
    reach = Reach.of(user)
    rows = LISTS[slug].queryset(reach, Thresholds(**thresholds))
    if slug == "lost":
        return {m.name for m in rows}
    return {e.member.name for e in rows}


def page_names(client, slug, **params):
    response = client.get(reverse(f"members:{slug}"), params)
    assert response.status_code == 200
    rows = response.context["page"].object_list
    return {(row.name if slug == "lost" else row.member.name) for row in rows}


# ------------------------------------------------------------------------- scope per persona


@pytest.fixture
def a1_at_station(members, tree, superuser):
    """A1's member away since 40 days, checked in at station B-S since 35."""
    member = members["a1"]
    away(member, actor=superuser, out_date=ago(40))
    return check_in(member, actor=superuser, at=tree.bs, on=ago(35))


@pytest.mark.parametrize(
    ("persona", "away", "here"),
    [
        ("secretary", True, False),  # home branch A1
        ("committee", True, False),
        ("town", True, False),  # above A1, not above B-S
        ("county", True, True),  # above both
        ("secretary2", False, False),  # B1: a sibling of the station, neither side
        ("station", False, True),  # where the member checked in
        ("inspector", True, True),
        ("superuser", True, True),
    ],
)
def test_who_sees_the_member_away_and_checked_in(request, a1_at_station, persona, away, here):
    user = request.getfixturevalue(persona)
    assert ("王甲一" in names("away", user)) is away
    assert ("王甲一" in names("checked_in_here", user)) is here


def test_the_pages_show_the_same(a1_at_station, login, secretary, station, secretary2):
    assert page_names(login(secretary), "away") == {"王甲一"}
    assert page_names(login(secretary), "checked_in_here") == set()
    assert page_names(login(station), "checked_in_here") == {"王甲一"}
    assert page_names(login(station), "away") == set()
    assert page_names(login(secretary2), "away") == set()
    assert page_names(login(secretary2), "checked_in_here") == set()


def test_ended_absences_and_archived_members_are_not_away(members, tree, superuser, secretary):
    returned = away(members["a1"], actor=superuser, out_date=ago(40))
    do_end_episode(actor=superuser, episode=returned, status=EpisodeStatus.RETURNED, ended_on=TODAY)
    other = MemberFactory.create(name="王归档", home_org=tree.a1)
    away(other, actor=superuser, out_date=ago(40))
    archive(other)
    assert names("away", secretary) == set()


# --------------------------------------------------------------------- not checked in (c)


def test_not_checked_in_after_the_grace_period(tree, superuser, secretary, settings, login):
    settings.MOBILE_CHECK_IN_GRACE_DAYS = 30
    on_the_day = MemberFactory.create(name="王三十", home_org=tree.a1)
    a_day_early = MemberFactory.create(name="王廿九", home_org=tree.a1)
    arrived = MemberFactory.create(name="王已到", home_org=tree.a1)
    away(on_the_day, actor=superuser, out_date=ago(30))
    away(a_day_early, actor=superuser, out_date=ago(29))
    away(arrived, actor=superuser, out_date=ago(60))
    check_in(arrived, actor=superuser, at=tree.bs, on=ago(10))

    assert names("not_checked_in", secretary) == {"王三十"}
    assert names("not_checked_in", secretary, grace_days=29) == {"王三十", "王廿九"}
    client = login(secretary)
    assert page_names(client, "not_checked_in") == {"王三十"}
    assert page_names(client, "not_checked_in", days="29") == {"王三十", "王廿九"}
    # A bad number is shown on the form and the default applies.
    response = client.get(reverse("members:not_checked_in"), {"days": "0"})
    assert response.context["form"].errors["days"]
    assert {e.member.name for e in response.context["page"].object_list} == {"王三十"}


# ---------------------------------------------------------------------- contact overdue (d)


def test_contact_overdue_around_the_threshold(tree, superuser, secretary, settings):
    settings.MOBILE_CONTACT_OVERDUE_DAYS = 90
    people = {
        name: MemberFactory.create(name=name, home_org=tree.a1)
        for name in ("王从未", "王九十一", "王九十", "王新走", "王旧联", "王失联")
    }
    for name, member in people.items():
        away(member, actor=superuser, out_date=ago(30 if name == "王新走" else 200))
    contact(people["王九十一"], days_ago=91, actor=superuser)
    contact(people["王九十"], days_ago=90, actor=superuser)
    contact(people["王九十"], days_ago=150, actor=superuser)  # the latest contact counts
    # Contacted long before leaving, gone for 30 days: the clock starts at leaving.
    contact(people["王新走"], days_ago=400, actor=superuser)
    contact(people["王旧联"], days_ago=300, actor=superuser)
    do_mark_member_lost(actor=superuser, member=people["王失联"], since=TODAY - 100 * DAY)

    rows = {
        e.member.name: e
        for e in LISTS["contact_overdue"].queryset(Reach.of(secretary), Thresholds())
    }
    assert set(rows) == {"王从未", "王九十一", "王旧联"}
    assert rows["王从未"].last_contacted_on is None
    assert (rows["王九十一"].last_contacted_on, rows["王九十一"].days_since_contact) == (
        TODAY - 91 * DAY,
        91,
    )
    # Never contacted since leaving 200 days ago comes before a contact 91 days ago.
    ordered = [
        e.member.name for e in LISTS["contact_overdue"].queryset(Reach.of(secretary), Thresholds())
    ]
    assert ordered.index("王从未") < ordered.index("王九十一")


def test_the_page_says_how_long_ago(tree, superuser, secretary, login):
    member = MemberFactory.create(name="王九十一", home_org=tree.a1)
    away(member, actor=superuser, out_date=ago(200))
    contact(member, days_ago=91, actor=superuser)
    body = login(secretary).get(reverse("members:contact_overdue")).content.decode()
    assert f"{(TODAY - 91 * DAY).isoformat()} · 91" in body


# ----------------------------------------------------------------------- report overdue (e)


def test_report_overdue_per_member_interval(tree, superuser, secretary):
    quarterly_late = MemberFactory.create(name="王季迟", home_org=tree.a1)
    quarterly_fresh = MemberFactory.create(name="王季新", home_org=tree.a1)
    quarterly_reported = MemberFactory.create(name="王季报", home_org=tree.a1)
    monthly_late = MemberFactory.create(name="王月迟", home_org=tree.a1, report_every_months=1)
    monthly_ok = MemberFactory.create(name="王月好", home_org=tree.a1, report_every_months=1)
    away(quarterly_late, actor=superuser, out_date=ago(100))  # never reported; due ~92 days in
    away(quarterly_fresh, actor=superuser, out_date=ago(80))
    away(quarterly_reported, actor=superuser, out_date=ago(300))
    report(quarterly_reported, days_ago=60, actor=superuser)
    away(monthly_late, actor=superuser, out_date=ago(300))
    report(monthly_late, days_ago=40, actor=superuser)
    away(monthly_ok, actor=superuser, out_date=ago(300))
    report(monthly_ok, days_ago=25, actor=superuser)

    rows = {
        e.member.name: e
        for e in LISTS["report_overdue"].queryset(Reach.of(secretary), Thresholds())
    }
    assert set(rows) == {"王季迟", "王月迟"}
    late = rows["王季迟"]
    assert late.last_reported_on is None
    assert TODAY - 100 * DAY + 89 * DAY <= late.report_due_on <= TODAY - 100 * DAY + 92 * DAY
    assert late.days_report_overdue == (TODAY - late.report_due_on).days
    assert rows["王月迟"].last_reported_on == TODAY - 40 * DAY


# ------------------------------------------------------------------------------- lost (f)


@pytest.fixture
def lost_world(members, tree, superuser):
    """Lost: A1's member (at home), A2's member away and checked in at station B-S, B1's."""
    do_mark_member_lost(actor=superuser, member=members["a1"], since=TODAY - 20 * DAY)
    shared = MemberFactory.create(name="王站失", home_org=tree.a2)
    away(shared, actor=superuser, out_date=ago(100))
    check_in(shared, actor=superuser, at=tree.bs, on=ago(90))
    lose_contact(
        shared,
        actor=superuser,
        since=ago(30),
        last_known_place="乙镇工地",
        tried_on=ago(5),
        channel="visit",
        result="工地已停工",
    )
    do_mark_member_lost(actor=superuser, member=members["b1"], since=TODAY - 10 * DAY)
    return shared


def test_lost_list_scope_and_details(lost_world, secretary, station, secretary2, county):
    assert names("lost", secretary) == {"王甲一"}
    assert names("lost", station) == {"王站失"}  # shared with the station that took them in
    assert names("lost", secretary2) == {"王乙一"}
    assert names("lost", county) == {"王甲一", "王站失", "王乙一"}
    rows = {m.name: m for m in LISTS["lost"].queryset(Reach.of(county), Thresholds())}
    assert rows["王站失"].last_known_place == "乙镇工地"
    assert rows["王站失"].last_attempt_on == TODAY - 5 * DAY
    assert rows["王站失"].days_lost == 30
    assert rows["王甲一"].last_attempt_on is None
    # Longest lost first.
    ordered = [m.name for m in LISTS["lost"].queryset(Reach.of(county), Thresholds())]
    assert ordered == ["王站失", "王甲一", "王乙一"]


def test_lost_per_organization_and_county_summary(lost_world, tree, county, town, station, login):
    client = login(county)
    response = client.get(reverse("members:lost"))
    assert response.context["summary_anchor"] == tree.county
    summary = {row.organization.name: row.count for row in response.context["summary"]}
    assert summary == {"甲镇": 2, "乙镇": 1}
    assert response.context["summary_elsewhere"] == 0
    # Per organization: the township's subtree; a township's summary counts its branches.
    assert page_names(client, "lost", org=tree.town_a.pk) == {"王甲一", "王站失"}
    response = client.get(reverse("members:lost"), {"org": tree.town_a.pk})
    assert {r.organization.name: r.count for r in response.context["summary"]} == {
        "甲一支部": 1,
        "甲二支部": 1,
    }
    assert page_names(client, "lost", org=tree.a2.pk) == {"王站失"}
    # The station's members from elsewhere: no summary (it is not a committee).
    response = login(station).get(reverse("members:lost"))
    assert "summary" not in response.context
    # A township officer's summary: what is lost outside the township but shared with it.
    rows, elsewhere = lost_summary(Reach.of(town), tree.town_a)
    assert ({r.organization.name: r.count for r in rows}, elsewhere) == (
        {"甲一支部": 1, "甲二支部": 1},
        0,
    )


def test_found_members_leave_the_lost_list(lost_world, superuser, station):
    do_record_finding_attempt(
        actor=station,
        member=lost_world,
        attempted_on=TODAY,
        channel="via_inflow",
        result="找到了",
        found=True,
    )
    assert names("lost", station) == set()
    assert "王站失" in names("checked_in_here", station)


# ---------------------------------------------------------------------- filters and search


def test_filter_by_organization_and_search(members, tree, superuser, county, login):
    for key in ("a1", "a2", "b1"):
        away(members[key], actor=superuser, out_date=ago(40))
    client = login(county)
    assert page_names(client, "away") == {"王甲一", "王甲二", "王乙一"}
    assert page_names(client, "away", org=tree.town_a.pk) == {"王甲一", "王甲二"}
    assert page_names(client, "away", org=tree.b1.pk) == {"王乙一"}
    assert page_names(client, "away", q="王甲") == {"王甲一", "王甲二"}
    assert page_names(client, "away", q="wjy") == {"王甲一"}
    assert page_names(client, "away", q="王甲", org=tree.a2.pk) == {"王甲二"}


@pytest.mark.parametrize("slug", list(LISTS))
def test_an_organization_outside_scope_is_a_404(tree, secretary, login, slug):
    client = login(secretary)
    for forged in (tree.town_b.pk, tree.a2.pk, 999_999):
        assert client.get(reverse(f"members:{slug}"), {"org": forged}).status_code == 404


def test_pages_of_a_long_list(tree, superuser, secretary, login, settings):
    settings.MEMBERS_PAGE_SIZE = 2
    for n in range(5):
        away(MemberFactory.create(home_org=tree.a1), actor=superuser, out_date=ago(40 + n))
    client = login(secretary)
    seen = []
    for page in (1, 2, 3):
        response = client.get(reverse("members:away"), {"page": page})
        seen += [e.pk for e in response.context["page"].object_list]
    assert len(seen) == len(set(seen)) == 5


# ------------------------------------------------------------------------------- counts


def test_counts_agree_with_the_lists(members, tree, superuser, county, secretary, station):
    """The counts are the lists' sizes; a member checked in outside the system (Issue 9, item
    5: the member reported where they checked in) is counted as such, not as waiting."""
    away(members["a1"], actor=superuser, out_date=ago(200))
    check_in(members["a1"], actor=superuser, at=tree.bs, on=ago(150))
    away(members["a2"], actor=superuser, out_date=ago(45))
    away(members["b1"], actor=superuser, out_date=ago(5))
    contact(members["b1"], days_ago=1, actor=superuser)
    do_mark_member_lost(actor=superuser, member=members["b1"], since=TODAY - DAY)
    outside = away(members["county_branch"], actor=superuser, out_date=ago(45))
    check_in_outside(outside, actor=superuser, on=ago(40))
    for user in (county, secretary, station, superuser):
        reach, t = Reach.of(user), Thresholds()
        counts = episode_counts(reach, t)
        for slug in (
            "away",
            "checked_in_here",
            "checked_in_outside",
            "not_checked_in",
            "contact_overdue",
        ):
            assert counts[slug] == LISTS[slug].queryset(reach, t).count(), (user, slug)
        assert lost_base(reach).count() == LISTS["lost"].queryset(reach, t).count()
    assert episode_counts(Reach.of(county), Thresholds()) == {
        "away": 4,  # a1 checked in, a2 registered, b1 lost while away, county_branch outside
        "checked_in_here": 1,  # a1 at the station
        "checked_in_outside": 1,  # county_branch, 45 days away like a2 but not waiting
        "not_checked_in": 1,  # a2 (45 days); b1 is lost, not waiting
        "contact_overdue": 1,  # a1, never contacted in 200 days; a2 left 45 days ago
        "report_overdue": 1,  # a1, due about 110 days ago; a2 is due in about 47 days
    }


def test_the_overview_and_the_home_page_link_the_counts(members, tree, superuser, secretary, login):
    away(members["a1"], actor=superuser, out_date=ago(200))
    client = login(secretary)
    response = client.get(reverse("members:mobile"))
    counts = {spec.slug: n for spec, n in response.context["tabs"]}
    assert counts == {
        "away": 1,
        "checked_in_here": 0,
        "checked_in_outside": 0,
        "not_checked_in": 1,
        "contact_overdue": 1,
        "report_overdue": 1,
        "lost": 0,
        "suspension_due": 0,
        "strike_off_due": 0,
    }
    home = client.get(reverse("home"))
    assert shown(home, "mobile_counts")["away"] == 1
    assert reverse("members:not_checked_in") in home.content.decode()


def test_users_without_a_role_see_empty_lists(db, login):
    client = login(UserFactory.create(username="nobody"))
    for slug in LISTS:
        response = client.get(reverse(f"members:{slug}"))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
    assert client.get(reverse("members:mobile")).status_code == 200


# -------------------------------------------------------------------------- query counts


def _populate(n, tree, superuser):
    """n members of A1 on every list: away and not checked in, checked in at B-S, contacted
    and reported long ago, or lost with an attempt to find them."""
    for _ in range(n):
        waiting = MemberFactory.create(home_org=tree.a1)
        away(waiting, actor=superuser, out_date=ago(400))
        arrived = MemberFactory.create(home_org=tree.a1)
        away(arrived, actor=superuser, out_date=ago(400))
        check_in(arrived, actor=superuser, at=tree.bs, on=ago(300))
        for member in (waiting, arrived):
            contact(member, days_ago=200, actor=superuser)
            report(member, days_ago=200, actor=superuser)
        lost = MemberFactory.create(home_org=tree.a1)
        lose_contact(lost, actor=superuser, since=ago(50), tried_on=ago(1), result="未接")


#: Session, user, roles, organization ids of the scope, the picker's organizations, the count,
#: the rows; the lost list adds the shared-member ids (members visible), and for a county
#: officer the per-township summary and its organizations.
LIST_QUERIES = {
    ("secretary", "away"): 7,
    ("secretary", "not_checked_in"): 7,
    ("secretary", "contact_overdue"): 7,
    ("secretary", "report_overdue"): 7,
    ("secretary", "lost"): 8,
    ("station", "checked_in_here"): 7,
    ("county", "away"): 7,
    ("county", "lost"): 10,
}


@pytest.mark.parametrize(("persona", "slug"), list(LIST_QUERIES))
def test_list_queries_do_not_grow_with_the_rows(
    request, tree, superuser, login, django_assert_num_queries, persona, slug
):
    client = login(request.getfixturevalue(persona))
    url = reverse(f"members:{slug}")
    _populate(1, tree, superuser)
    with django_assert_num_queries(LIST_QUERIES[(persona, slug)]):
        assert client.get(url).context["page"].paginator.count >= 1
    _populate(3, tree, superuser)
    with django_assert_num_queries(LIST_QUERIES[(persona, slug)]):
        assert client.get(url).context["page"].paginator.count >= 4


def test_overview_queries(tree, superuser, secretary, login, django_assert_num_queries):
    client = login(secretary)
    _populate(1, tree, superuser)
    # Session, user, roles, organization ids, one aggregate for the episode lists, the
    # shared-member ids and the lost count.
    with django_assert_num_queries(7):
        client.get(reverse("members:mobile"))
    _populate(3, tree, superuser)
    with django_assert_num_queries(7):
        client.get(reverse("members:mobile"))
