"""Pages cost the same number of queries however many members they show (no N+1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from tests.pages import shown

pytestmark = pytest.mark.django_db

#: Session, user, the user's roles (their scope; none for a superuser), the organizations in
#: scope (which also fill the filter form's picker) and the members shared with them (none for a
#: superuser, whose picker is a query of its own), the page's rows (with their organizations'
#: names and open transfers), and the total count.
MEMBER_LIST_QUERIES = {"secretary": 7, "county": 7, "station": 7, "superuser": 5}


@pytest.mark.parametrize("persona", list(MEMBER_LIST_QUERIES))
def test_member_list_queries_do_not_grow_with_the_page(
    request, tree, login, django_assert_num_queries, persona, settings
):
    # The station's own members: a place whose stations are real branches.
    settings.STATIONS_HOLD_MEMBERS = True
    client = login(request.getfixturevalue(persona))
    org = tree.bs if persona == "station" else tree.a1
    url = reverse("members:list")
    MemberFactory.create_batch(5, home_org=org)
    with django_assert_num_queries(MEMBER_LIST_QUERIES[persona]):
        assert len(client.get(url).context["page"].object_list) == 5
    MemberFactory.create_batch(25, home_org=org)
    with django_assert_num_queries(MEMBER_LIST_QUERIES[persona]):
        assert len(client.get(url).context["page"].object_list) == 30


def test_member_search_costs_the_same(tree, secretary, login, django_assert_num_queries):
    client = login(secretary)
    MemberFactory.create_batch(30, home_org=tree.a1)
    with django_assert_num_queries(MEMBER_LIST_QUERIES["secretary"]):
        client.get(reverse("members:list"), {"q": "1101"})


def test_home_counts_are_one_query(tree, secretary, login, django_assert_num_queries):
    client = login(secretary)
    MemberFactory.create_batch(10, home_org=tree.a1)
    # Session, user, roles, organization and shared-member ids of the scope, one aggregate
    # for every member count on the page, one for the mobile members' lists, the unread
    # notices, one aggregate for the transfer queues (their organizations are a subquery), and
    # meeting compliance's two (the organizations, the meetings grouped: issue 10, item 4),
    # and the alerts' two (the ids of the members the scope sees, the live alerts grouped by
    # rule: issue 12, item 2).
    with django_assert_num_queries(13):
        assert shown(client.get(reverse("home")), "counts")["total"] == 10
