"""The organization tree, staff list and audit list cost a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import record_event
from organizations.models import OrgKind
from tests.factories import MemberFactory, OrganizationFactory, RoleFactory

pytestmark = pytest.mark.django_db

#: Session, user, the user's roles, and then the page's own queries.
PER_REQUEST = 3


def test_tree_page_is_two_queries_for_5_or_50_organizations(
    tree, county, login, django_assert_num_queries
):
    client = login(county)
    url = reverse("organizations:tree")
    MemberFactory.create_batch(3, home_org=tree.a1)
    # The organizations, and their member counts as one aggregate grouped by organization (a
    # province's counts are one pass over an index that way, not a correlated count per
    # organization: docs/benchmarks.md).
    with django_assert_num_queries(PER_REQUEST + 2):
        assert client.get(url).context["org_count"] == 8
    for n in range(42):
        parent = tree.town_a if n % 2 else tree.town_b
        org = OrganizationFactory.create(parent=parent, kind=OrgKind.BRANCH, name=f"支部{n}")
        if n % 10 == 0:
            MemberFactory.create(home_org=org)
    with django_assert_num_queries(PER_REQUEST + 2):
        response = client.get(url)
    assert response.context["org_count"] == 50
    assert response.context["roots"][0].total_members == 3 + 5


def test_staff_list_queries_do_not_grow(tree, county, login, django_assert_num_queries):
    client = login(county)
    url = reverse("staff:list")
    for _ in range(4):
        RoleFactory.create(organization=tree.a1, kind="committee")
    # The users, then all their active roles with organizations in one prefetch.
    with django_assert_num_queries(PER_REQUEST + 2):
        assert len(client.get(url).context["users"]) == 5
    for org in [tree.a2, tree.b1, tree.bs] * 5:
        RoleFactory.create(organization=org, kind="committee")
    with django_assert_num_queries(PER_REQUEST + 2):
        assert len(client.get(url).context["users"]) == 20


def test_audit_list_queries_do_not_grow(tree, county, login, django_assert_num_queries):
    client = login(county)
    url = reverse("audit")
    MemberFactory.create_batch(3, home_org=tree.a1)
    # One query for the entries with their actors and content types.
    with django_assert_num_queries(PER_REQUEST + 1):
        small = len(client.get(url).context["page"].object_list)
    member = MemberFactory.create(home_org=tree.b1)
    for _ in range(50):
        record_event(actor=county, instance=member, event="member.exported")
    with django_assert_num_queries(PER_REQUEST + 1):
        large = len(client.get(url).context["page"].object_list)
    assert small < large == 50
