"""Importing past dues payments (党费) from the Excel template (issue 13): the template, the
preview with each problem on its row and column, the payments really recorded after the
confirmation (by the payment page's own action: their months count as paid), the same file twice
changing nothing, a month paid already for another amount refused, members outside the
importer's scope refused without saying whether the number is registered, months repeated in
the file, and the commit all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.models import AuditEntry
from ledgers.models import ImportBatch
from members.builders import away, check_in, pay_dues, set_dues_standard
from members.models import DuesPaidMonth, DuesPayment, Member
from members.models.dues import add_months
from tests.factories import MemberFactory, make_id_number
from tests.ledgers.test_imports import problems, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

IMPORT = reverse("ledgers:import", args=["dues"])
HEADERS = [
    "姓名",
    "公民身份号码",
    "交纳起始月份",
    "交纳月数",
    "实缴金额（元）",
    "交纳方式",
    "转账或网上支付流水号",
    "交纳日期",
    "收款人",
    "收据号",
    "备注",
    "交纳地点",
]
#: The standard starts in January of last year (the builder's default): 40.00 a month.
START = dt.date(timezone.localdate().year - 1, 1, 1)
PAID_ON = dt.date(timezone.localdate().year - 1, 4, 10)
UNKNOWN = make_id_number(dt.date(1990, 1, 2), sequence=701, gender="M", region="330102")


def row(member: Member, first: dt.date = START, /, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "姓名": member.name,
        "公民身份号码": member.id_number,
        "交纳起始月份": f"{first:%Y-%m}",
        "实缴金额（元）": "40.00",
        "交纳方式": "现金",
        "交纳日期": PAID_ON,
        "收款人": "李会计",
    }
    values.update(changes)
    return values


def upload(client, body: bytes) -> ImportBatch:
    """The file posted to the dues import's page, and the batch its check made."""
    response = client.post(IMPORT, {"file": SimpleUploadedFile("党费.xlsx", body)})
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def confirm(client, batch: ImportBatch) -> ImportBatch:
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    return batch


def paid_months(member: Member) -> dict[dt.date, Decimal]:
    return dict(
        DuesPaidMonth.objects.filter(member=member, voided=False).values_list("month", "amount")
    )


@pytest.fixture
def a1(members, secretary) -> Member:
    """A1's member with a standard of 40.00 a month from January of last year."""
    member = members["a1"]
    set_dues_standard(member, actor=secretary)
    return member


def test_the_template_has_the_columns_and_the_lists(login, secretary) -> None:
    response = login(secretary).get(reverse("ledgers:import_template", args=["dues"]))
    assert response.status_code == 200
    data, instructions, options = load_workbook(io.BytesIO(response.content)).worksheets
    assert data.title == "党费交纳记录"
    assert [cell.value for cell in data[1]] == HEADERS
    assert "交纳起始月份" in [line[0] for line in instructions.iter_rows(values_only=True)]
    offered = {value for line in options.iter_rows(values_only=True) for value in line}
    assert {"现金", "银行转账", "甲一支部"} <= offered
    assert "乙一支部" not in offered


def test_the_dues_sheet_links_to_the_import(login, secretary, inspector) -> None:
    url = reverse("members:dues_sheet")
    page = login(secretary).get(url).content.decode()
    assert 'data-testid="import-dues"' in page
    assert "导入党费记录" in page
    assert 'data-testid="import-dues"' not in login(inspector).get(url).content.decode()


def test_a_good_file_is_previewed_then_imported(login, secretary, a1) -> None:
    client = login(secretary)
    body = xlsx(
        [
            row(a1, 收据号="2025-001"),
            row(
                a1,
                add_months(START, 1),
                交纳方式="银行转账",
                转账或网上支付流水号="TX20250410",
                **{"交纳月数": 3, "实缴金额（元）": 120},
            ),
        ],
        headers=HEADERS,
    )
    batch = upload(client, body)
    assert batch.problems == []
    assert (batch.status, batch.rows, batch.counts["create"]) == ("ready", 2, 2)
    assert not DuesPayment.objects.filter(member=a1).exists(), "preview only"
    assert confirm(client, batch).status == "done"
    payments = list(DuesPayment.objects.filter(member=a1).order_by("first_month"))
    assert [(p.first_month, p.months, p.amount, p.method) for p in payments] == [
        (START, 1, Decimal("40.00"), "cash"),
        (add_months(START, 1), 3, Decimal("120.00"), "transfer"),
    ]
    assert (payments[0].receipt_number, payments[0].org_id, payments[0].recorded_by) == (
        "2025-001",
        a1.home_org_id,
        secretary,
    )
    assert (payments[1].reference, payments[1].paid_on, payments[1].received_by) == (
        "TX20250410",
        PAID_ON,
        "李会计",
    )
    assert paid_months(a1) == {add_months(START, i): Decimal("40.00") for i in range(4)}
    assert AuditEntry.objects.get(event="import.ledger").changes["create"] == 2


def test_one_bad_row_shows_its_row_and_column_and_nothing_is_written(login, secretary, a1) -> None:
    client = login(secretary)
    batch = upload(
        client,
        xlsx(
            [
                row(a1),
                row(a1, add_months(START, 1), **{"实缴金额（元）": "50"}),
                row(a1, 交纳起始月份="去年三月"),
                row(a1, add_months(START, 4), 交纳方式="网上支付"),
            ],
            headers=HEADERS,
        ),
    )
    assert batch.status == "invalid"
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [
        (3, "备注"),
        (4, "交纳起始月份"),
        (5, "转账或网上支付流水号"),
    ]
    assert "请在备注中说明原因" in found[0][2]
    assert found[1][2] == "不是月份：请写成 2025-03 的格式。"
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "第 3 行" in page
    assert "import-confirm" not in page
    confirm(client, batch)
    assert not DuesPayment.objects.filter(member=a1).exists()


def test_months_are_read_as_people_write_them(login, secretary, a1) -> None:
    client = login(secretary)
    batch = upload(
        client,
        xlsx(
            [
                row(a1, 交纳起始月份=f"{START.year}年1月"),
                row(a1, 交纳起始月份=add_months(START, 1)),  # an Excel date cell
                row(a1, 交纳起始月份=f"{START.year}/\uff13"),  # a full-width 3
            ],
            headers=HEADERS,
        ),
    )
    assert batch.problems == []
    confirm(client, batch)
    assert set(paid_months(a1)) == {add_months(START, i) for i in range(3)}


def test_importing_the_same_file_again_changes_nothing(login, secretary, a1) -> None:
    client = login(secretary)
    body = xlsx(
        [row(a1), row(a1, add_months(START, 1), **{"交纳月数": 2, "实缴金额（元）": "80"})],
        headers=HEADERS,
    )
    confirm(client, upload(client, body))
    before = list(DuesPayment.objects.filter(member=a1).values_list("pk", flat=True))
    assert len(before) == 2
    entries = AuditEntry.objects.count()
    again = upload(client, body)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2}
    assert confirm(client, again).status == "done"
    assert list(DuesPayment.objects.filter(member=a1).values_list("pk", flat=True)) == before
    assert AuditEntry.objects.count() == entries + 1  # the import itself, nothing else


def test_a_month_paid_for_another_amount_is_a_row_error(login, secretary, a1) -> None:
    pay_dues(a1, actor=secretary, first_month=START, paid_on=PAID_ON)
    pay_dues(a1, actor=secretary, first_month=add_months(START, 2), paid_on=PAID_ON)
    batch = upload(
        login(secretary),
        xlsx(
            [
                row(a1, **{"实缴金额（元）": "45", "备注": "自愿多交"}),
                row(a1, add_months(START, 1), **{"交纳月数": 2, "实缴金额（元）": "80"}),
            ],
            headers=HEADERS,
        ),
    )
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(2, "实缴金额（元）"), (3, "交纳起始月份")]
    assert "已交纳，金额为40.00元" in found[0][2]
    assert found[1][2] == f"{START.year}年3月的党费已交。"


def test_a_month_without_a_standard_is_a_row_error(login, secretary, tree) -> None:
    member = MemberFactory.create(name="赵无标准", home_org=tree.a1)
    batch = upload(login(secretary), xlsx([row(member)], headers=HEADERS))
    [(number, column, message)] = problems(batch)
    assert (number, column) == (2, "交纳起始月份")
    assert "没有党费交纳标准" in message


def test_members_outside_the_scope_read_like_unknown_numbers(
    login, secretary, members, secretary2
) -> None:
    """B1's member (another township), A2's (the sibling branch) and a number registered
    nowhere get the same words: an import reveals nothing of other organizations' members."""
    set_dues_standard(members["b1"], actor=secretary2)
    batch = upload(
        login(secretary),
        xlsx(
            [
                row(members["b1"]),
                row(members["a2"]),
                row(members["a1"], 姓名="无此人", 公民身份号码=UNKNOWN),
            ],
            headers=HEADERS,
        ),
    )
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (4, "公民身份号码"),
    ]
    assert {m for _r, _c, m in found} == {"您所在党组织没有此公民身份号码的党员。"}


def test_a_wrong_name_is_a_row_error(login, secretary, a1) -> None:
    batch = upload(login(secretary), xlsx([row(a1, 姓名="王甲十")], headers=HEADERS))
    assert [(r, c) for r, c, _m in problems(batch)] == [(2, "姓名")]


def test_months_and_receipts_repeated_in_the_file(login, secretary, a1) -> None:
    batch = upload(
        login(secretary),
        xlsx(
            [
                row(a1, 收据号="R1"),
                row(a1, add_months(START, 1), 收据号="R1"),
                row(a1, 交纳月数=1),
            ],
            headers=HEADERS,
        ),
    )
    assert problems(batch) == [
        (3, "收据号", "与第 2 行的收据号相同。"),
        (4, "交纳起始月份", f"第 2 行已有该党员{START.year}年1月的交纳。"),
    ]


def test_the_commit_is_all_or_nothing(login, secretary, a1) -> None:
    """A row that became wrong between the preview and the confirmation (its month was paid
    meanwhile, for another amount) stops every row: nothing is imported."""
    client = login(secretary)
    batch = upload(client, xlsx([row(a1), row(a1, add_months(START, 1))], headers=HEADERS))
    assert batch.status == "ready"
    pay_dues(
        a1,
        actor=secretary,
        first_month=add_months(START, 1),
        amount="45",
        note="自愿多交",
        paid_on=PAID_ON,
    )
    assert confirm(client, batch).status == "invalid"
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "实缴金额（元）")]
    assert START not in paid_months(a1)


def test_the_inflow_organization_imports_the_dues_it_received(
    login, secretary, station, county, tree, a1
) -> None:
    """A member checked in at station B-S pays there: the station records it on its side
    (`payment_places`); the county, over both, says which one received it; the home branch
    cannot say the station received it."""
    away(a1, actor=secretary, out_date=START)
    check_in(a1, actor=station, at=tree.bs)
    batch = upload(login(station), xlsx([row(a1)], headers=HEADERS))
    assert batch.problems == []
    confirm(login(station), batch)
    assert DuesPayment.objects.get(member=a1).org_id == tree.bs.pk
    other = upload(
        login(county),
        xlsx(
            [
                row(a1, add_months(START, 1), 交纳地点="乙镇流动党员服务站"),
                row(a1, add_months(START, 2)),
            ],
            headers=HEADERS,
        ),
    )
    assert other.problems == []
    confirm(login(county), other)
    assert dict(DuesPayment.objects.filter(member=a1).values_list("first_month", "org_id")) == {
        START: tree.bs.pk,
        add_months(START, 1): tree.bs.pk,
        add_months(START, 2): tree.a1.pk,
    }
    refused = upload(
        login(secretary),
        xlsx([row(a1, add_months(START, 3), 交纳地点="乙镇流动党员服务站")], headers=HEADERS),
    )
    assert [(r, c) for r, c, _m in problems(refused)] == [(2, "交纳地点")]
