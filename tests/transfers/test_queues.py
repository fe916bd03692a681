"""The transfer queues: what each persona's organizations wait for, and what the pages cost."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.scope import user_scope
from tests.conftest import PERSONAS, World
from tests.factories import MemberFactory
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus
from transfers.queues import QUEUES, change_org_ids, queue, queue_conditions

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()
KEYS = [key for key, _label in QUEUES]
REASON = "外出务工"


@pytest.fixture(scope="module")
def queued(shared_world: World, django_db_blocker) -> dict[str, int]:
    """One transfer in each queue, made once for the module in its shared world:

    - `submitted`: A1's member to B1, waiting for township A's approval;
    - `issued`: A2's member to B1, letter issued, waiting for B1;
    - `overdue`: the county branch's member, received by B1 35 days ago, no receipt back;
    - `expiring`: another A2 member to the county branch, the letter runs out in 5 days.
    """
    su, tree, members = shared_world.users["superuser"], shared_world.tree, shared_world.members
    make = partial(transfer_in, actor=su, reason=REASON)
    with django_db_blocker.unblock():
        made = {
            "submitted": make(TransferStatus.SUBMITTED, member=members["a1"], to=tree.b1),
            "issued": make(TransferStatus.ISSUED, member=members["a2"], to=tree.b1),
            "overdue": make(
                TransferStatus.RECEIVED,
                member=members["county_branch"],
                to=tree.b1,
                valid_days=60,
                issued_on=TODAY - dt.timedelta(days=40),
                received_on=TODAY - dt.timedelta(days=35),
            ),
            "expiring": make(
                TransferStatus.ISSUED,
                member=MemberFactory.create(name="王甲二二", home_org=tree.a2),
                to=tree.county_branch,
                valid_days=30,
                issued_on=TODAY - dt.timedelta(days=25),
            ),
        }
    return {name: transfer.pk for name, transfer in made.items()}


@pytest.fixture
def world(queued: dict[str, int]) -> dict[str, Transfer]:
    rows = Transfer.objects.in_bulk(queued.values())
    return {name: rows[pk] for name, pk in queued.items()}


#: Per persona, which transfers are in each queue (to_approve, incoming, outgoing,
#: receipts_overdue, expiring).
EXPECTED: dict[str, dict[str, set[str]]] = {
    "secretary": {"outgoing": {"submitted"}},
    "committee": {"outgoing": {"submitted"}},
    "town": {
        "to_approve": {"submitted"},
        "outgoing": {"submitted", "issued", "expiring"},
        "expiring": {"expiring"},
    },
    "county": {
        "to_approve": {"submitted"},
        "incoming": {"issued", "expiring"},
        "outgoing": {"submitted", "issued", "expiring"},
        "receipts_overdue": {"overdue"},
        "expiring": {"expiring"},
    },
    "secretary2": {"incoming": {"issued"}, "receipts_overdue": {"overdue"}},
    "station": {},
    "inspector": {},
}
EXPECTED["superuser"] = EXPECTED["county"]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_each_persona_sees_its_own_queues(request, world, login, persona):
    user = request.getfixturevalue(persona)
    client = login(user)
    names = {t.pk: name for name, t in world.items()}
    expected = EXPECTED[persona]
    page = client.get(reverse("transfers:queues"))
    assert {key: count for key, _label, count in page.context["tabs"]} == {
        key: len(expected.get(key, set())) for key in KEYS
    }
    for key in KEYS:
        rows = client.get(reverse("transfers:queues"), {"tab": key}).context["rows"]
        assert {names[t.pk] for t in rows} == expected.get(key, set()), key


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_counts_agree_with_the_queryset_methods(request, world, persona):
    """The one-aggregate conditions are the queryset methods' conditions."""
    user = request.getfixturevalue(persona)
    ids = change_org_ids(user)
    visible = Transfer.objects.visible_to(user)
    for key, condition in queue_conditions(ids, TODAY).items():
        by_method = set(queue(visible, key, ids, TODAY).values_list("pk", flat=True))
        by_condition = set(visible.filter(condition).values_list("pk", flat=True))
        assert by_method == by_condition, key


def test_the_home_page_links_the_counts(world, secretary2, login):
    page = login(secretary2).get(reverse("home"))
    html = page.content.decode()
    assert f"{reverse('transfers:queues')}?tab=incoming" in html
    assert f"{reverse('transfers:queues')}?tab=receipts_overdue" in html


def test_no_transfer_counts_on_home_for_a_read_only_user(world, inspector, login):
    html = login(inspector).get(reverse("home")).content.decode()
    assert "?tab=incoming" not in html


def test_the_history_filters_by_status(world, county, login):
    client = login(county)
    page = client.get(reverse("transfers:history"))
    assert {t.pk for t in page.context["page"].object_list} == {t.pk for t in world.values()}
    page = client.get(reverse("transfers:history"), {"status": "received"})
    assert [t.pk for t in page.context["page"].object_list] == [world["overdue"].pk]


def test_the_history_shows_only_visible_transfers(world, secretary2, station, login):
    page = login(secretary2).get(reverse("transfers:history"))
    # B1 sees the letters addressed to it, not the submission still waiting for approval.
    assert {t.pk for t in page.context["page"].object_list} == {
        world["issued"].pk,
        world["overdue"].pk,
    }
    assert not login(station).get(reverse("transfers:history")).context["page"].object_list


# --- what the pages cost -----------------------------------------------------------------------

#: Session, user, the user's roles, the organization ids for CHANGE (the queues) and for VIEW
#: (`visible_to`), one aggregate for every tab's count, the tab's rows; for the system
#: administrator no roles and no ids.
QUEUE_QUERIES = {"secretary": 5, "town": 5, "county": 5, "secretary2": 5, "superuser": 4}


def _more_transfers(tree, superuser, count):
    for _ in range(count):
        member = MemberFactory.create(home_org=tree.a1)
        transfer_in(
            TransferStatus.ISSUED, member=member, to=tree.b1, actor=superuser, reason=REASON
        )


@pytest.mark.parametrize("persona", list(QUEUE_QUERIES))
def test_the_queues_cost_the_same_however_long(
    request, world, tree, superuser, login, django_assert_num_queries, persona
):
    user = request.getfixturevalue(persona)
    client = login(user)
    url = reverse("transfers:queues")
    for tab in ("outgoing", "incoming"):
        with django_assert_num_queries(QUEUE_QUERIES[persona]):
            client.get(url, {"tab": tab})
    _more_transfers(tree, superuser, 8)
    for tab in ("outgoing", "incoming"):
        with django_assert_num_queries(QUEUE_QUERIES[persona]):
            page = client.get(url, {"tab": tab})
    if persona in ("county", "superuser"):
        assert len(page.context["rows"]) == 10


#: Session, user, roles, the organization ids for VIEW, the count, the page's rows.
HISTORY_QUERIES = {"secretary": 5, "county": 5, "secretary2": 5, "superuser": 4}


@pytest.mark.parametrize("persona", list(HISTORY_QUERIES))
def test_the_history_costs_the_same_however_long(
    request, world, tree, superuser, login, django_assert_num_queries, persona
):
    client = login(request.getfixturevalue(persona))
    url = reverse("transfers:history")
    with django_assert_num_queries(HISTORY_QUERIES[persona]):
        client.get(url)
    _more_transfers(tree, superuser, 8)
    with django_assert_num_queries(HISTORY_QUERIES[persona]):
        page = client.get(url, {"status": "issued"})
    assert page.context["page"].object_list


def test_the_scope_is_what_the_queues_use(secretary, tree):
    ids = [row["id"] for row in change_org_ids(secretary)]
    assert sorted(ids) == sorted(user_scope(secretary).organization_ids("change"))
    assert tree.a1.pk in ids
