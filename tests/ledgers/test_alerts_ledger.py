"""The alerts and inactivity ledger (预警及失联台账, issue 13): the alerts list's rows with its
filter, each with its rule, whom it concerns and their ID-card number (masked unless the home
side asks for full ones), the responsible organization, the severity, the day found, the figures
in words, the status and the handling; the list's scope, which a query string cannot widen;
constant queries."""

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
from oversight.alerts.actions import do_resolve_alert
from oversight.alerts.words import describe
from oversight.handling.builders import record_handling
from oversight.models import Alert, HandlingKind
from tests.factories import MemberFactory
from tests.ledgers.test_exports import read_back
from tests.oversight.alerts.builders import make_alert, world_alerts
from tests.test_hostile_queries import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

URL = reverse("ledgers:export", args=["alerts"])
HEADERS = (
    "预警规则",
    "涉及对象",
    "公民身份号码",
    "责任党组织",
    "严重程度",
    "发现日期",
    "具体情况",
    "状态",
    "办结日期",
    "处置情况",
)


@pytest.fixture
def alerts(tree, members) -> dict[str, Alert]:
    """world_alerts: a1's, b1's, the inflow member's at station B-S and at A2, township A's
    about branch A1 (no member), and a dismissed one at the county's branch."""
    return world_alerts(tree, members)


def export(client, data: dict | None = None, **query: object) -> list[tuple]:
    response = client.post(f"{URL}?{urlencode(query)}", data or {})
    assert response.status_code == 200
    return read_back(response)


def lines(rows: list[tuple]) -> list[dict[str, Any]]:
    """The lines by header (a line's empty cells at its end are not in the file)."""
    return [dict(zip(HEADERS, (*row, *(None,) * len(HEADERS)), strict=False)) for row in rows[3:]]


def concerning(rows: list[tuple]) -> list[str]:
    return sorted(str(line["涉及对象"]) for line in lines(rows))


def test_the_columns_and_the_title(login, county, alerts) -> None:
    rows = export(login(county))
    assert rows[0][0] == "预警及失联台账"
    assert rows[2] == HEADERS


def test_an_alerts_line(login, county, superuser, members, alerts) -> None:
    """a1's dues alert, handled twice and resolved with a reason."""
    alert = alerts["a1"]
    record_handling(members["a1"], HandlingKind.TALK, actor=superuser, alert=alert,
                    on=dt.date(2026, 6, 1))  # fmt: skip
    record_handling(members["a1"], HandlingKind.CRITICISM, actor=superuser, alert=alert,
                    on=dt.date(2026, 6, 15))  # fmt: skip
    do_resolve_alert(alert=alert, reason="已补交党费", actor=superuser)
    alert.refresh_from_db()
    (line,) = [
        line for line in lines(export(login(county), status="all")) if line["涉及对象"] == "王甲一"
    ]
    assert line["预警规则"] == "党费欠缴"
    assert line["公民身份号码"] == mask_id_number(members["a1"].id_number)
    assert line["责任党组织"] == "甲一支部"
    assert line["严重程度"] == "提前预警"
    assert line["发现日期"].date() == alert.opened_on
    assert line["具体情况"] == "，".join(describe(alert.detail, alert.closed_on))
    assert "欠缴6个月" in str(line["具体情况"])
    assert line["状态"] == "已解决"
    assert line["办结日期"].date() == timezone.localdate()
    assert line["处置情况"] == "2026-06-01 谈心谈话；2026-06-15 批评教育；已补交党费"


def test_an_alert_about_an_organization(login, county, alerts) -> None:
    rows = lines(export(login(county)))
    (line,) = [line for line in rows if line["责任党组织"] == "甲镇"]
    assert line["涉及对象"] == "甲一支部"
    assert line["公民身份号码"] is None


def test_the_county_ledger_holds_both_townships_alerts(login, county, alerts) -> None:
    """The live alerts, as the list shows by default: the dismissed one only with "all"."""
    rows = export(login(county))
    assert concerning(rows) == sorted(["王甲一", "王乙一", "王流入", "王流入", "甲一支部"])
    assert {line["责任党组织"] for line in lines(rows)} == {
        "甲一支部", "甲二支部", "甲镇", "乙一支部", "乙镇流动党员服务站",
    }  # fmt: skip
    every = export(login(county), status="all")
    assert "王县直" in concerning(every)


def test_the_lists_filters_apply(login, county, tree, alerts) -> None:
    rows = export(login(county), org=tree.town_b.pk)
    assert concerning(rows) == ["王乙一", "王流入"]
    assert "乙镇" in rows[1][0]
    assert concerning(export(login(county), rule="dues_overdue")) == ["王乙一", "王甲一"]
    assert concerning(export(login(county), q="王乙")) == ["王乙一"]


def test_a_secretary_cannot_widen_the_ledger_by_the_query_string(
    login, secretary, tree, alerts
) -> None:
    """The page answers a forged organization with a 404; the export ignores it."""
    client = login(secretary)
    for query in ({"org": tree.county.pk}, {"org": tree.b1.pk}, {"org": "1 OR 1=1"}, {}):
        assert concerning(export(client, status="all", **query)) == ["王甲一"], query


def test_id_numbers_masked_for_the_inspector_full_for_the_home_side(
    login, secretary, inspector, station, members, alerts
) -> None:
    a1 = members["a1"].id_number
    assert lines(export(login(secretary)))[0]["公民身份号码"] == mask_id_number(a1)
    full = export(login(secretary), {"full_ids": "on"})
    assert lines(full)[0]["公民身份号码"] == a1
    assert "完整身份证号码" in full[1][0]
    client = login(inspector)
    assert client.post(URL, {"full_ids": "on"}).status_code == 403
    numbers = {line["公民身份号码"] for line in lines(export(client))} - {None}
    assert numbers == {mask_id_number(members[key].id_number) for key in ("a1", "b1", "shared")}
    # The station sees the inflow member's alerts, but is not the member's home side.
    shown = {line["公民身份号码"] for line in lines(export(login(station), {"full_ids": "on"}))}
    assert shown == {mask_id_number(members["shared"].id_number)}


def test_the_alerts_list_links_to_the_ledger_with_its_filter(login, county) -> None:
    page = login(county).get(reverse("oversight:alerts"), {"status": "all"})
    assert f'href="{URL}?status=all"' in page.content.decode()


def test_the_ledgers_queries_do_not_grow_with_its_rows(
    login, county, superuser, tree, alerts
) -> None:
    client = login(county)
    export(client)  # warm: sessions, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(client)
        return len(queries)

    before = count()
    for n, member in enumerate(MemberFactory.create_batch(8, home_org=tree.b1)):
        alert = make_alert(organization=tree.b1, member=member, days_ago=n)
        record_handling(member, HandlingKind.TALK, actor=superuser, alert=alert)
    assert count() == before


def test_a_hostile_query_string_is_ignored_never_a_500(login, county, secretary) -> None:
    """Each hostile value of tests/test_hostile_queries.py in every parameter the ledger reads:
    the export page answers with the filters it could apply, the file is written."""
    for user in (county, secretary):
        client = login(user)
        for value in HOSTILE:
            query = urlencode(
                dict.fromkeys(("q", "group", "rule", "status", "severity", "age", "org"), value)
            )
            assert client.get(f"{URL}?{query}").status_code == 200, (user, value)
        assert client.post(f"{URL}?{query}").status_code == 200
