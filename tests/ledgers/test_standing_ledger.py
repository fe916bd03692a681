"""The suspension and strike-off lists (停止党籍及除名名单, issue 13): every suspension and
strike-off decision in the user's scope, whatever its status, with the decision, its grounds,
the branch general meeting, the committee and its answer; filtered by organization, kind and
status; the scope, which a query string cannot widen; ID-card numbers masked unless the home
side asks for full ones; constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.validators import mask_id_number
from members.builders import decide_standing
from members.models import DecisionKind, Member, StandingDecision
from members.standing.actions import do_reject_standing_decision, do_withdraw_standing_decision
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back
from tests.test_hostile_queries import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("ledgers:export", args=["standing"])
HEADERS = (
    "姓名",
    "公民身份号码",
    "所在党支部",
    "处理类别",
    "审批状态",
    "事实依据",
    "支部党员大会日期",
    "提请日期",
    "审批党委",
    "批准日期",
    "党委批复",
)
SUSPENDED_ON = dt.date(2026, 3, 10)
STRUCK_OFF_ON = dt.date(2026, 4, 20)


@pytest.fixture
def decisions(members, superuser) -> dict[str, StandingDecision]:
    """a1 suspended (approved), then proposed for striking off (awaiting approval); b1 struck
    off; the county's branch member's suspension withdrawn; the inflow member's (held by A2)
    not approved; a2 persuaded to withdraw (no suspension nor strike-off: not listed)."""
    found = {
        "a1_suspended": decide_standing(
            members["a1"],
            kind=DecisionKind.SUSPEND,
            proposer=superuser,
            approver=superuser,
            on=SUSPENDED_ON,
            grounds="失去联系超过六个月，经多方查找仍无音讯。",
        ),
        "b1": decide_standing(
            members["b1"],
            kind=DecisionKind.STRIKE_OFF,
            proposer=superuser,
            approver=superuser,
            on=STRUCK_OFF_ON,
        ),
        "a2": decide_standing(
            members["a2"],
            kind=DecisionKind.PERSUADE_WITHDRAW,
            proposer=superuser,
            approver=superuser,
        ),
    }
    found["a1_strike_off"] = decide_standing(
        Member.objects.get(pk=members["a1"].pk), kind=DecisionKind.STRIKE_OFF, proposer=superuser
    )
    withdrawn = decide_standing(
        members["county_branch"], kind=DecisionKind.SUSPEND, proposer=superuser
    )
    found["county_branch"] = do_withdraw_standing_decision(actor=superuser, decision=withdrawn)
    rejected = decide_standing(members["shared"], kind=DecisionKind.SUSPEND, proposer=superuser)
    found["shared"] = do_reject_standing_decision(
        actor=superuser,
        decision=rejected,
        decided_on=timezone.localdate(),
        answer="事实不清，退回重新调查。",
    )
    return found


def export(client, data: dict | None = None, **query: object) -> list[tuple]:
    response = client.post(f"{URL}?{urlencode(query)}", data or {})
    assert response.status_code == 200
    return read_back(response)


def lines(rows: list[tuple]) -> list[dict[str, Any]]:
    """The lines by header (a line's empty cells at its end are not in the file)."""
    return [dict(zip(HEADERS, (*row, *(None,) * len(HEADERS)), strict=False)) for row in rows[3:]]


def listed(rows: list[tuple]) -> list[tuple[str, str, str]]:
    return [(str(x["姓名"]), str(x["处理类别"]), str(x["审批状态"])) for x in lines(rows)]


def test_the_columns_and_the_title(login, county, decisions) -> None:
    rows = export(login(county))
    assert rows[0][0] == "停止党籍及除名名单"
    assert rows[2] == HEADERS


def test_a_members_decisions(login, county, members, decisions) -> None:
    """a1's two decisions, in the order they were proposed: the suspension approved, the
    strike-off awaiting the committee."""
    found = [line for line in lines(export(login(county))) if line["姓名"] == "王甲一"]
    suspension, strike_off = found
    assert suspension["公民身份号码"] == mask_id_number(members["a1"].id_number)
    assert suspension["所在党支部"] == "甲一支部"
    assert (suspension["处理类别"], suspension["审批状态"]) == ("停止党籍", "已审批")
    assert suspension["事实依据"] == "失去联系超过六个月，经多方查找仍无音讯。"
    assert suspension["支部党员大会日期"].date() == SUSPENDED_ON
    assert suspension["提请日期"].date() == timezone.localdate()
    assert suspension["审批党委"] == "甲镇"
    assert suspension["批准日期"].date() == SUSPENDED_ON
    assert suspension["党委批复"] == "批复文号：组字[2026]1号"
    assert (strike_off["处理类别"], strike_off["审批状态"]) == ("除名", "待审批")
    assert (strike_off["批准日期"], strike_off["党委批复"]) == (None, None)


def test_the_county_lists_hold_both_townships_decisions(login, county, decisions) -> None:
    """Every status; no decision of another kind (a2's persuasion to withdraw)."""
    assert sorted(listed(export(login(county)))) == sorted(
        [
            ("王甲一", "停止党籍", "已审批"),
            ("王甲一", "除名", "待审批"),
            ("王流入", "停止党籍", "未批准"),
            ("王乙一", "除名", "已审批"),
            ("王县直", "停止党籍", "已撤回"),
        ]
    )


def test_the_filters_apply(login, county, tree, decisions) -> None:
    client = login(county)
    approved = export(client, status="approved")
    assert sorted(listed(approved)) == [
        ("王乙一", "除名", "已审批"),
        ("王甲一", "停止党籍", "已审批"),
    ]
    assert "审批" in approved[1][0]
    struck_off = export(client, kind="strike_off", org=tree.town_a.pk)
    assert listed(struck_off) == [("王甲一", "除名", "待审批")]
    assert "甲镇" in struck_off[1][0]
    # An invalid value is ignored, the others applied.
    assert listed(export(client, kind="expel", org=tree.town_b.pk)) == [
        ("王乙一", "除名", "已审批")
    ]


def test_a_secretary_cannot_widen_the_lists_by_the_query_string(
    login, secretary, tree, decisions
) -> None:
    client = login(secretary)
    for query in ({"org": tree.county.pk}, {"org": tree.b1.pk}, {"org": "1 OR 1=1"}, {}):
        assert {name for name, _kind, _status in listed(export(client, **query))} == {"王甲一"}, (
            query
        )


def test_id_numbers_masked_for_the_inspector_full_for_the_home_side(
    login, secretary, inspector, station, members, decisions
) -> None:
    a1 = members["a1"].id_number
    full = export(login(secretary), {"full_ids": "on"})
    assert {line["公民身份号码"] for line in lines(full)} == {a1}
    assert "完整身份证号码" in full[1][0]
    client = login(inspector)
    assert client.post(URL, {"full_ids": "on"}).status_code == 403
    assert {line["公民身份号码"] for line in lines(export(client))} == {
        mask_id_number(members[key].id_number) for key in ("a1", "b1", "county_branch", "shared")
    }
    # The station sees the inflow member's decision, but is not the member's home side.
    shown = lines(export(login(station), {"full_ids": "on"}))
    assert [line["公民身份号码"] for line in shown] == [mask_id_number(members["shared"].id_number)]


def test_the_pending_page_links_to_the_lists(login, town) -> None:
    page = login(town).get(reverse("members:standing_pending"))
    assert f'href="{URL}"' in page.content.decode()
    assert "导出台账" in page.content.decode()


def test_the_lists_queries_do_not_grow_with_its_rows(
    login, county, superuser, tree, decisions
) -> None:
    client = login(county)
    export(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(client)
        return len(queries)

    before = count()
    for member in MemberFactory.create_batch(8, home_org=tree.b1):
        decide_standing(member, kind=DecisionKind.SUSPEND, proposer=superuser, approver=superuser)
    assert count() == before


def test_a_hostile_query_string_is_ignored_never_a_500(login, county, secretary) -> None:
    """Each hostile value of tests/test_hostile_queries.py in every parameter the ledger reads:
    the export page answers with the filters it could apply, the file is written."""
    for user in (county, secretary):
        client = login(user)
        for value in HOSTILE:
            query = urlencode(dict.fromkeys(("org", "kind", "status"), value))
            assert client.get(f"{URL}?{query}").status_code == 200, (user, value)
        assert client.post(f"{URL}?{query}").status_code == 200
