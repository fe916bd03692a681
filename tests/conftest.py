"""The personas and the tiny organization tree every scope test is written against.

    县委 (county committee)                   ← county officer, inspector (read-only)
    ├── 县直机关党支部 (a branch directly under the county: above every township)
    ├── 甲镇 (township A)                     ← township officer
    │   ├── 甲一支部 (branch A1)              ← secretary, committee member
    │   └── 甲二支部 (branch A2, the sibling)
    └── 乙镇 (township B)
        ├── 乙一支部 (branch B1)              ← secretary2
        └── 乙镇流动党员服务站 (station B-S)  ← station staff (a committee role)

Members, one per branch (see `members`): a1, a2, county_branch (held above the townships), b1,
and `shared`: held by A2 and shared with station B-S by a guardian grant (an inflow member).
Committees and stations hold no members themselves: members belong to branch-level organizations
(a station serves arriving members: issue 9, item 10).

Each test builds its own world, unless its module is marked `pytest.mark.shared_world` (most
are): the world is then made once per module inside a transaction that is rolled back at the
end, every test still runs in its own savepoint, so what one test writes the next does not see,
and gets fresh copies of the tree and members. A module whose tests count every user, member or
organization in the database builds its own per test. A module may add to the shared world with
a module-scoped fixture that depends on `shared_world` (see tests/transfers/test_queues.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from http.cookies import SimpleCookie
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.test import Client
from django.utils import translation

from core.models import User
from members.models import Member
from members.sharing import do_share_member
from organizations.models import Organization, OrgKind, RoleKind
from tests.celery_redis import redis_app  # noqa: F401  (a fixture for every test module)
from tests.factories import MemberFactory, OrganizationFactory, RoleFactory, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

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
    county_branch: Organization


@dataclass
class World:
    tree: Tree
    users: dict[str, User]
    members: dict[str, Member]


def build_tree() -> Tree:
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
        county_branch=OrganizationFactory.create(
            parent=county, name="县直机关党支部", kind=OrgKind.BRANCH
        ),
    )


#: Where each persona's one role is held, and what it is.
ROLES: dict[str, tuple[str, str]] = {
    "secretary": ("a1", RoleKind.SECRETARY),
    "committee": ("a1", RoleKind.COMMITTEE_MEMBER),
    "town": ("town_a", RoleKind.TOWNSHIP_OFFICER),
    "county": ("county", RoleKind.COUNTY_OFFICER),
    "secretary2": ("b1", RoleKind.SECRETARY),
    "station": ("bs", RoleKind.COMMITTEE_MEMBER),
    "inspector": ("county", RoleKind.INSPECTOR),
}


def build_persona(tree: Tree, name: str) -> User:
    if name == "superuser":
        return UserFactory.create(username="admin", is_superuser=True, is_staff=True)
    org, kind = ROLES[name]
    user = UserFactory.create(username=name)
    RoleFactory.create(user=user, organization=getattr(tree, org), kind=kind)
    return user


def build_members(tree: Tree) -> dict[str, Member]:
    """One member per place in the tree, named 王 + place so that "王" and "wang" find them all."""
    found = {
        "a1": MemberFactory.create(name="王甲一", home_org=tree.a1),
        "a2": MemberFactory.create(name="王甲二", home_org=tree.a2),
        "county_branch": MemberFactory.create(name="王县直", home_org=tree.county_branch),
        "b1": MemberFactory.create(name="王乙一", home_org=tree.b1),
        "shared": MemberFactory.create(name="王流入", home_org=tree.a2),
    }
    do_share_member(actor=None, member=found["shared"], organization=tree.bs)
    return found


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        world = World(
            tree=tree,
            users={name: build_persona(tree, name) for name in PERSONAS if name != "anonymous"},
            members=build_members(tree),
        )
        yield world
        transaction.set_rollback(True)


def _shared(request: pytest.FixtureRequest) -> World | None:
    if "shared_world" not in request.fixturenames:
        return None
    world: World = request.getfixturevalue("shared_world")
    return world


def fresh_tree(tree: Tree) -> Tree:
    """The shared tree as it is in the database now, in objects no other test has touched."""
    names = [f.name for f in fields(Tree)]
    orgs = Organization.objects.in_bulk([getattr(tree, name).pk for name in names])
    return Tree(**{name: orgs[getattr(tree, name).pk] for name in names})


def fresh_members(found: dict[str, Member]) -> dict[str, Member]:
    rows = Member.objects.select_related("home_org").in_bulk([m.pk for m in found.values()])
    return {key: rows[member.pk] for key, member in found.items()}


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in English (the language cookie) leaves English active in the thread after
    it: every test starts again from the default language, whatever ran before it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_redis(settings) -> None:
    """Tests talk to Redis only when they say so (the health check tests)."""
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def tree(request: pytest.FixtureRequest, db) -> Tree:
    world = _shared(request)
    return fresh_tree(world.tree) if world else build_tree()


def _persona(request: pytest.FixtureRequest, name: str) -> User:
    world = _shared(request)
    if world:
        # A fresh object: a user caches their scope, and a test may change their roles.
        return User.objects.get(pk=world.users[name].pk)
    return build_persona(request.getfixturevalue("tree"), name)


@pytest.fixture
def secretary(request: pytest.FixtureRequest) -> User:
    return _persona(request, "secretary")


@pytest.fixture
def committee(request: pytest.FixtureRequest) -> User:
    return _persona(request, "committee")


@pytest.fixture
def town(request: pytest.FixtureRequest) -> User:
    return _persona(request, "town")


@pytest.fixture
def county(request: pytest.FixtureRequest) -> User:
    return _persona(request, "county")


@pytest.fixture
def secretary2(request: pytest.FixtureRequest) -> User:
    return _persona(request, "secretary2")


@pytest.fixture
def station(request: pytest.FixtureRequest) -> User:
    return _persona(request, "station")


@pytest.fixture
def inspector(request: pytest.FixtureRequest) -> User:
    return _persona(request, "inspector")


@pytest.fixture
def superuser(request: pytest.FixtureRequest, db) -> User:
    world = _shared(request)
    if world:
        return User.objects.get(pk=world.users["superuser"].pk)
    return UserFactory.create(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def personas(request: pytest.FixtureRequest) -> dict[str, User | None]:
    """Every persona by name; "anonymous" is None."""
    return {
        name: None if name == "anonymous" else request.getfixturevalue(name) for name in PERSONAS
    }


@pytest.fixture
def members(request: pytest.FixtureRequest, tree: Tree) -> dict[str, Member]:
    world = _shared(request)
    return fresh_members(world.members) if world else build_members(tree)


@pytest.fixture
def login(client: Client) -> Callable[[User | None], Client]:
    """`login(user)` → the test client, logged in as `user` (or anonymous for None)."""

    def _login(user: User | None) -> Client:
        # A new session instead of Client.force_login: the login signals (last login, axes'
        # access log) are what tests/core/test_login.py tests through the login page, and cost
        # a third of a page test. A test that chose English keeps its language cookie.
        language = client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        client.cookies = SimpleCookie()
        if language is not None:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value
        if user is not None:
            session = import_module(settings.SESSION_ENGINE).SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = MODEL_BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return client

    return _login


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Database tests in a module marked `shared_world` use the world built once for the
    module. Keep transactional tests (they commit, and flush the database after) out of such
    modules."""
    for item in items:
        db = item.get_closest_marker("django_db")
        if item.get_closest_marker("shared_world") is None or db is None:
            continue
        if db.kwargs.get("transaction"):
            raise pytest.UsageError(f"{item.nodeid}: transactional, in a shared_world module")
        names = getattr(item, "fixturenames", None)
        if names is not None and "shared_world" not in names:
            # First: the module's world is set up before the test's own transaction.
            names.insert(0, "shared_world")
