"""The relationship transfers ledger (组织关系转接台账, issue 13): the transfers of the history
(with its status filter) or of one queue, each side's own; the letter, the receiving end and
the state; masked ID-card numbers unless the member's home side asks; a query count that does
not grow."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.validators import mask_id_number
from members.models import Member
from tests.conftest import World
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back
from tests.ledgers.test_mobile_ledger import export_link
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferStatus

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TRANSFERS = reverse("ledgers:export", args=["transfers"])
TODAY = timezone.localdate()
OUTSIDE = "中共宁波市北仑区新碶街道工委"


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture(scope="module")
def transfers(shared_world: World, django_db_blocker) -> dict[str, int]:
    """Made once for the module, across both townships:

    - `issued`: A1's member to B1, the letter issued 5 days ago, not yet received;
    - `done`: B1's member to the county branch, received 20 days ago, the receipt returned;
    - `draft`: A2's member out of the system, a draft;
    - `submitted`: 王乙二 of B1 to A2, awaiting township B's approval (A2 does not see it yet).
    """
    su, tree, members = shared_world.users["superuser"], shared_world.tree, shared_world.members
    make = partial(transfer_in, actor=su)
    with django_db_blocker.unblock():
        made = {
            "issued": make(
                TransferStatus.ISSUED, member=members["a1"], to=tree.b1, issued_on=ago(5)
            ),
            "done": make(
                TransferStatus.RECEIPT_RETURNED,
                member=members["b1"],
                to=tree.county_branch,
                issued_on=ago(25),
                received_on=ago(20),
                returned_on=ago(15),
            ),
            "draft": make(TransferStatus.DRAFT, member=members["a2"], to=OUTSIDE),
            "submitted": make(
                TransferStatus.SUBMITTED,
                member=MemberFactory.create(name="王乙二", home_org=tree.b1),
                to=tree.a2,
            ),
        }
    return {name: transfer.pk for name, transfer in made.items()}


def names(rows: list[tuple]) -> set[str]:
    return {row[1] for row in rows[3:]}


def by_name(rows: list[tuple]) -> dict[str, dict[str, Any]]:
    """Each row by its name, as header → value (a row read back ends at its last value)."""
    headers = rows[2]
    return {
        line[1]: dict(zip(headers, line + (None,) * (len(headers) - len(line)), strict=True))
        for line in rows[3:]
    }


def post(client, query: dict | None = None, data: dict | None = None):
    url = f"{TRANSFERS}?{urlencode(query)}" if query else TRANSFERS
    return client.post(url, data or {})


def test_the_transfer_ledger_columns_in_order(login, county, transfers) -> None:
    rows = read_back(post(login(county)))
    assert rows[0][0] == "组织关系转接台账"
    assert rows[2] == (
        "介绍信编号",
        "姓名",
        "公民身份号码",
        "转出党组织",
        "转入党组织",
        "开具日期",
        "有效期至",
        "接收日期",
        "状态",
        "回执退回日期",
        "回执经办人",
    )


def test_a_transfer_row_against_its_transfer(login, county, members, transfers) -> None:
    rows = by_name(read_back(post(login(county))))
    done = Transfer.objects.get(pk=transfers["done"])
    row = rows["王乙一"]
    assert row["介绍信编号"] == done.number
    assert row["公民身份号码"] == mask_id_number(members["b1"].id_number)
    assert row["转出党组织"] == "乙一支部"
    assert row["转入党组织"] == "县直机关党支部"
    assert row["开具日期"].date() == ago(25)
    assert row["有效期至"].date() == done.valid_until
    assert row["接收日期"].date() == ago(20)
    assert row["状态"] == "回执已退回"
    assert row["回执退回日期"].date() == ago(15)
    assert row["回执经办人"] == "周敏"
    draft = rows["王甲二"]
    assert (draft["介绍信编号"], draft["转入党组织"], draft["状态"]) == (None, OUTSIDE, "草稿")
    assert rows["王甲一"]["状态"] == "已开具介绍信"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county", {"王甲一", "王甲二", "王乙一", "王乙二"}),
        ("inspector", {"王甲一", "王甲二", "王乙一", "王乙二"}),
        ("town", {"王甲一", "王甲二"}),
        ("secretary", {"王甲一"}),
        # The letter to B1 is its to receive; its own members' transfers it sent.
        ("secretary2", {"王甲一", "王乙一", "王乙二"}),
        ("station", set()),
    ],
)
def test_each_side_exports_its_own_transfers(login, personas, transfers, persona, expected) -> None:
    """The sending side from the draft on, the receiving side once the letter is issued."""
    assert names(read_back(post(login(personas[persona])))) == expected


def test_the_history_filter_and_a_queue_apply(login, county, secretary2, transfers) -> None:
    rows = read_back(post(login(county), {"status": TransferStatus.ISSUED}))
    assert names(rows) == {"王甲一"}
    assert "状态：已开具介绍信" in rows[1][0]
    client = login(secretary2)
    assert names(read_back(post(client, {"tab": "incoming"}))) == {"王甲一"}
    rows = read_back(post(client, {"tab": "outgoing"}))
    assert names(rows) == {"王乙二"}
    assert "队列：转出中" in rows[1][0]
    # An unknown queue is the first, as on the queues page: nothing for B1 to approve.
    assert names(read_back(post(client, {"tab": "everything"}))) == set()
    assert names(read_back(post(login(county), {"tab": "to_approve"}))) == {"王乙二"}


def test_a_secretary_cannot_widen_the_ledger_by_the_query_string(
    login, secretary, tree, transfers
) -> None:
    """Nothing in the query string names an organization the ledger reads: a forged one, a
    bad status or another queue leaves (at most) the secretary's own transfers."""
    client = login(secretary)
    for query in (
        {"org": tree.county.pk},
        {"status": "1 OR 1=1", "org": tree.b1.pk},
        {"from_org": tree.b1.pk, "to_org": tree.county.pk},
        {},
    ):
        assert names(read_back(post(client, query))) == {"王甲一"}, query
    for tab in ("to_approve", "incoming", "receipts_overdue", "expiring"):
        assert names(read_back(post(client, {"tab": tab}))) == set(), tab


def test_id_numbers_masked_for_the_inspector_full_for_the_home_side(
    login, inspector, secretary2, members, transfers
) -> None:
    client = login(inspector)
    assert post(client, data={"full_ids": "on"}).status_code == 403
    rows = read_back(post(client))
    assert all("*" in row[2] for row in rows[3:])
    # B1 sees the member it receives (still A1's) and the one it sent away (now the county
    # branch's) masked, its own member in full.
    rows = read_back(post(login(secretary2), data={"full_ids": "on"}))
    second = Member.objects.get(name="王乙二")
    assert {row[1]: row[2] for row in rows[3:]} == {
        "王甲一": mask_id_number(members["a1"].id_number),
        "王乙一": mask_id_number(members["b1"].id_number),
        "王乙二": second.id_number,
    }


def test_the_ledgers_queries_do_not_grow_with_its_rows(
    login, county, tree, superuser, transfers
) -> None:
    client = login(county)
    post(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert post(client).status_code == 200
        return len(queries)

    before = count()
    states = (TransferStatus.DRAFT, TransferStatus.ISSUED, TransferStatus.RECEIVED)
    for index, member in enumerate(MemberFactory.create_batch(9, home_org=tree.a2)):
        transfer_in(states[index % 3], member=member, to=tree.b1, actor=superuser)
    assert count() == before


def test_the_history_and_the_queues_link_to_the_ledger(login, secretary2, transfers) -> None:
    client = login(secretary2)
    page = client.get(reverse("transfers:history"), {"status": "issued", "page": 1})
    assert "导出台账" in page.content.decode()
    assert export_link(page.content.decode()) == f"{TRANSFERS}?status=issued"
    # The queue the page shows, named even when the page chose it.
    page = client.get(reverse("transfers:queues"))
    assert export_link(page.content.decode()) == f"{TRANSFERS}?tab={page.context['tab']}"
    page = client.get(reverse("transfers:queues"), {"tab": "outgoing"})
    assert export_link(page.content.decode()) == f"{TRANSFERS}?tab=outgoing"
