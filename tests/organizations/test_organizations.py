"""The organization tree: member totals per subtree, creating and editing organizations."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import AuditEntry
from organizations.models import Organization, OrgKind
from organizations.views import TreeNode, build_tree
from tests.factories import MemberFactory, OrganizationFactory, RoleFactory, archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def headcount(tree):
    """A1: 3 (one more archived), A2: 2, B1: 4, B-S: 0, the county's own branch: 1."""
    for org, n in [(tree.a1, 4), (tree.a2, 2), (tree.b1, 4), (tree.county_branch, 1)]:
        MemberFactory.create_batch(n, home_org=org)
    archive(tree.a1.members.first())


def _flatten(nodes: list[TreeNode]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for node in nodes:
        found[node.org.name] = (node.direct_members, node.total_members)
        found |= _flatten(node.children)
    return found


def _tree_of(client) -> list[TreeNode]:
    response = client.get(reverse("organizations:tree"))
    assert response.status_code == 200
    return response.context["roots"]


def test_subtree_totals_for_the_county(headcount, county, login):
    roots = _tree_of(login(county))
    assert [r.org.name for r in roots] == ["县委"]
    assert _flatten(roots) == {
        "县委": (0, 10),
        "县直机关党支部": (1, 1),
        "甲镇": (0, 5),
        "甲一支部": (3, 3),
        "甲二支部": (2, 2),
        "乙镇": (0, 4),
        "乙一支部": (4, 4),
        "乙镇流动党员服务站": (0, 0),
    }


def test_the_tree_of_a_township_starts_at_the_township(headcount, town, login):
    roots = _tree_of(login(town))
    assert [r.org.name for r in roots] == ["甲镇"]
    assert _flatten(roots) == {"甲镇": (0, 5), "甲一支部": (3, 3), "甲二支部": (2, 2)}


def test_the_tree_of_a_secretary_is_their_branch(headcount, secretary, login):
    assert _flatten(_tree_of(login(secretary))) == {"甲一支部": (3, 3)}


def test_a_user_with_roles_in_two_places_gets_two_roots(tree, headcount, secretary, login):
    RoleFactory.create(user=secretary, organization=tree.b1, kind="committee")
    roots = _tree_of(login(secretary))
    assert [r.org.name for r in roots] == ["甲一支部", "乙一支部"]


def test_build_tree_sums_deep_subtrees_bottom_up(tree):
    # Three levels below a root, counts given directly: no database needed for the sum.
    orgs = list(Organization.objects.order_by("path"))
    direct = {
        "县委": 1,
        "甲镇": 2,
        "甲一支部": 3,
        "甲二支部": 4,
        "乙镇": 5,
        "乙一支部": 6,
        "县直机关党支部": 7,
    }
    for org in orgs:
        org.direct_members = direct.get(org.name, 0)
    [root] = build_tree(orgs)
    assert root.total_members == 28
    assert [(c.org.name, c.total_members) for c in root.children] == [
        ("甲镇", 9),
        ("乙镇", 11),
        ("县直机关党支部", 7),
    ]


def test_detail_page_total_counts_the_whole_subtree(tree, headcount, county, login):
    response = login(county).get(reverse("organizations:detail", args=[tree.town_a.pk]))
    assert response.context["subtree_total"] == 5
    children = {c.name: c.direct_members for c in response.context["children"]}
    assert children == {"甲一支部": 3, "甲二支部": 2}


def test_detail_breadcrumbs_stop_at_the_scope(tree, secretary, county, login):
    url = reverse("organizations:detail", args=[tree.a1.pk])
    assert login(secretary).get(url).context["ancestors"] == []
    assert login(county).get(url).context["ancestors"] == [tree.county, tree.town_a]


def test_roles_are_listed_only_to_those_who_manage(tree, secretary, town, login):
    url = reverse("organizations:detail", args=[tree.a1.pk])
    assert list(login(secretary).get(url).context["roles"]) == []
    assert [r.user for r in login(town).get(url).context["roles"]] == [secretary]


# --- Create and edit ---------------------------------------------------------------------------


def org_card(**overrides):
    data = {
        "name": "甲三支部",
        "kind": OrgKind.BRANCH,
        "sector": "village",
        "management_mode": "",
        "province_code": "",
        "city_code": "",
        "county_code": "",
        "address": "",
        "postcode": "",
        "phone": "",
        "hotline": "",
        "mailbox": "",
        "sms_phone": "",
    }
    data.update(overrides)
    return data


def _entries(org: Organization):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organization), object_pk=str(org.pk)
    )


def test_a_township_officer_creates_a_branch_and_it_is_audited(tree, town, login):
    response = login(town).post(reverse("organizations:create", args=[tree.town_a.pk]), org_card())
    org = Organization.objects.get(name="甲三支部")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[org.pk])
    assert Organization.objects.get_parent(org) == tree.town_a
    assert org.group_id is not None
    entry = _entries(org).get(action=AuditEntry.Action.CREATE)
    assert (entry.actor, entry.org_path, entry.remote_addr) == (town, org.path, "127.0.0.1")
    assert org.path.startswith(tree.town_a.path)


def test_a_kind_that_cannot_sit_under_the_parent_is_refused(tree, town, login):
    url = reverse("organizations:create", args=[tree.town_a.pk])
    response = login(town).post(url, org_card(kind=OrgKind.TOWNSHIP_COMMITTEE))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not Organization.objects.filter(name="甲三支部").exists()


def test_nothing_can_be_created_under_a_branch(tree, town, login):
    url = reverse("organizations:create", args=[tree.a1.pk])
    response = login(town).post(url, org_card())
    assert response.status_code == 200
    assert not Organization.objects.filter(name="甲三支部").exists()


def test_editing_an_organization_is_audited(tree, town, login):
    url = reverse("organizations:edit", args=[tree.a1.pk])
    response = login(town).post(url, org_card(name="甲一村党支部", phone="0571-1234567"))
    assert response.status_code == 302
    tree.a1.refresh_from_db()
    assert (tree.a1.name, tree.a1.phone, tree.a1.kind) == ("甲一村党支部", "0571-1234567", "branch")
    entry = _entries(tree.a1).get(action=AuditEntry.Action.UPDATE)
    assert entry.changes["name"] == ["甲一支部", "甲一村党支部"]
    assert (entry.actor, entry.org_path) == (town, tree.a1.path)


def test_the_fax_is_edited_with_the_organization_and_shown(tree, town, login):
    """Issue 9, item 6: the fax (printed on the letters it issues) is an optional field edited
    where the organization is edited."""
    url = reverse("organizations:edit", args=[tree.town_a.pk])
    card = org_card(name=tree.town_a.name, kind=tree.town_a.kind, fax="0571-64321009")
    assert login(town).post(url, card).status_code == 302
    tree.town_a.refresh_from_db()
    assert tree.town_a.fax == "0571-64321009"
    page = login(town).get(reverse("organizations:detail", args=[tree.town_a.pk]))
    assert "0571-64321009" in page.content.decode()


def test_the_kind_of_an_existing_organization_is_not_edited(tree, town, login):
    url = reverse("organizations:edit", args=[tree.a1.pk])
    login(town).post(url, org_card(kind=OrgKind.STATION))
    tree.a1.refresh_from_db()
    assert tree.a1.kind == OrgKind.BRANCH


def test_an_invalid_sms_number_is_refused(tree, town, login):
    url = reverse("organizations:edit", args=[tree.a1.pk])
    response = login(town).post(url, org_card(sms_phone="12345"))
    assert "sms_phone" in response.context["form"].errors
    tree.a1.refresh_from_db()
    assert tree.a1.sms_phone == ""


def test_deep_levels_of_the_tree_load_when_opened(tree, county, login):

    general = OrganizationFactory.create(
        parent=tree.town_a, name="甲镇党总支", kind=OrgKind.GENERAL_BRANCH
    )
    inner = OrganizationFactory.create(parent=general, name="总支第一支部", kind=OrgKind.BRANCH)
    MemberFactory.create_batch(2, home_org=inner)
    client = login(county)
    response = client.get(reverse("organizations:tree"))
    page = response.content.decode()
    subtree_url = reverse("organizations:subtree", args=[general.pk])
    # County and townships are open, the general branch is listed closed with its count
    # included upward, and its branch is not on the page until it is opened.
    assert "甲镇党总支" in page
    assert f'hx-get="{subtree_url}"' in page
    assert "总支第一支部" not in page
    assert response.context["roots"][0].total_members == 2
    opened = client.get(subtree_url)
    assert opened.status_code == 200
    assert "总支第一支部" in opened.content.decode()
    assert opened.context["node"].total_members == 2
