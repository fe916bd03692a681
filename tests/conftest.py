"""The personas and the tiny organization tree every scope test is written against.

    县委 (county committee)                   ← county officer, inspector (read-only)
    ├── 甲镇 (township A)                     ← township officer
    │   ├── 甲一支部 (branch A1)              ← secretary, committee member
    │   └── 甲二支部 (branch A2, the sibling)
    └── 乙镇 (township B)
        ├── 乙一支部 (branch B1)              ← secretary2
        └── 乙镇流动党员服务站 (station B-S)  ← station staff (a committee role)

Members, one per place (see `members`): a1, a2, town_a (held at the township itself), b1, bs,
and `shared`: held by A2 and shared with station B-S by a guardian grant (an inflow member).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from core.models import User
from members.actions import do_share_member
from members.models import Member
from organizations.models import Organization, OrgKind, RoleKind
from tests.factories import MemberFactory, OrganizationFactory, RoleFactory, UserFactory

#: Every persona, in the order the access tables list them.
PERSONAS = (
    "anonymous",
    "secretary",
    "committee",
    "town",
    "county",
    "secretary2",
    "station",
    "inspector",
    "superuser",
)


@dataclass
class Tree:
    county: Organization
    town_a: Organization
    a1: Organization
    a2: Organization
    town_b: Organization
    b1: Organization
    bs: Organization


@pytest.fixture(autouse=True)
def _no_redis(settings) -> None:
    """Tests talk to Redis only when they say so (the health check tests)."""
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def tree(db) -> Tree:
    county = OrganizationFactory.create(name="县委", kind=OrgKind.COUNTY_COMMITTEE)
    town_a = OrganizationFactory.create(parent=county, name="甲镇", kind=OrgKind.TOWNSHIP_COMMITTEE)
    town_b = OrganizationFactory.create(parent=county, name="乙镇", kind=OrgKind.TOWNSHIP_COMMITTEE)
    return Tree(
        county=county,
        town_a=town_a,
        a1=OrganizationFactory.create(parent=town_a, name="甲一支部", kind=OrgKind.BRANCH),
        a2=OrganizationFactory.create(parent=town_a, name="甲二支部", kind=OrgKind.BRANCH),
        town_b=town_b,
        b1=OrganizationFactory.create(parent=town_b, name="乙一支部", kind=OrgKind.BRANCH),
        bs=OrganizationFactory.create(
            parent=town_b, name="乙镇流动党员服务站", kind=OrgKind.STATION
        ),
    )


def _persona(username: str, organization: Organization, kind: str) -> User:
    user = UserFactory.create(username=username)
    RoleFactory.create(user=user, organization=organization, kind=kind)
    return user


@pytest.fixture
def secretary(tree: Tree) -> User:
    return _persona("secretary", tree.a1, RoleKind.SECRETARY)


@pytest.fixture
def committee(tree: Tree) -> User:
    return _persona("committee", tree.a1, RoleKind.COMMITTEE_MEMBER)


@pytest.fixture
def town(tree: Tree) -> User:
    return _persona("town", tree.town_a, RoleKind.TOWNSHIP_OFFICER)


@pytest.fixture
def county(tree: Tree) -> User:
    return _persona("county", tree.county, RoleKind.COUNTY_OFFICER)


@pytest.fixture
def secretary2(tree: Tree) -> User:
    return _persona("secretary2", tree.b1, RoleKind.SECRETARY)


@pytest.fixture
def station(tree: Tree) -> User:
    return _persona("station", tree.bs, RoleKind.COMMITTEE_MEMBER)


@pytest.fixture
def inspector(tree: Tree) -> User:
    return _persona("inspector", tree.county, RoleKind.INSPECTOR)


@pytest.fixture
def superuser(db) -> User:
    return UserFactory.create(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def personas(request: pytest.FixtureRequest) -> dict[str, User | None]:
    """Every persona by name; "anonymous" is None."""
    return {
        name: None if name == "anonymous" else request.getfixturevalue(name) for name in PERSONAS
    }


@pytest.fixture
def members(tree: Tree) -> dict[str, Member]:
    """One member per place in the tree, named 王 + place so that "王" and "wang" find them all."""
    found = {
        "a1": MemberFactory.create(name="王甲一", home_org=tree.a1),
        "a2": MemberFactory.create(name="王甲二", home_org=tree.a2),
        "town_a": MemberFactory.create(name="王甲镇", home_org=tree.town_a),
        "b1": MemberFactory.create(name="王乙一", home_org=tree.b1),
        "bs": MemberFactory.create(name="王乙站", home_org=tree.bs),
        "shared": MemberFactory.create(name="王流入", home_org=tree.a2),
    }
    do_share_member(actor=None, member=found["shared"], organization=tree.bs)
    return found


@pytest.fixture
def login(client: Client) -> Callable[[User | None], Client]:
    """`login(user)` → the test client, logged in as `user` (or anonymous for None)."""

    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
