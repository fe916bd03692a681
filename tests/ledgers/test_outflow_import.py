"""Importing outflow registrations (外出流动登记) from the Excel template (issue 13): the template,
the preview with each problem on its row and column, the rows really registered after the
confirmation (by the page's own action: the member is marked mobile), the same file twice
changing nothing, members outside the importer's scope refused without saying whether the
number is registered, duplicates in the file, and the commit all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.models import AuditEntry
from ledgers.models import ImportBatch
from members.builders import away
from members.models import Member, MobilityEpisode
from organizations.models import Trade
from tests.factories import MemberFactory, make_id_number
from tests.ledgers.test_imports import problems, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

IMPORT = reverse("ledgers:import", args=["outflows"])
HEADERS = [
    "姓名",
    "公民身份号码",
    "外出日期",
    "流向省份",
    "流向城市",
    "流向县（区）",
    "流入地住址",
    "流入地工作单位",
    "所在单位是否建有党组织",
    "工作单位类型",
    "从业类别",
    "外出原因",
    "预计返回日期",
    "流入地联系电话",
    "预计流入地党组织",
    "专人联系人",
    "结对党员",
    "行业",
]
OUT = timezone.localdate() - dt.timedelta(days=20)
RETURN = OUT + dt.timedelta(days=365)
UNKNOWN = make_id_number(dt.date(1990, 1, 2), sequence=601, gender="M", region="330102")


def row(member: Member, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "姓名": member.name,
        "公民身份号码": member.id_number,
        "外出日期": OUT,
        "流向省份": "浙江省",
        "流向城市": "宁波市",
        "流向县（区）": "北仑区",
        "从业类别": "外出务工经商",
        "外出原因": "务工",
    }
    values.update(changes)
    return values


def sheet(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    return xlsx(rows, headers=headers)


def upload(client, body: bytes) -> ImportBatch:
    """The file posted to the outflow import's page, and the batch its check made."""
    response = client.post(IMPORT, {"file": SimpleUploadedFile("外出登记.xlsx", body)})
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def confirm(client, batch: ImportBatch) -> ImportBatch:
    client.post(reverse("ledgers:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def second(tree) -> Member:
    """A second member of 甲一支部 (the secretary's branch)."""
    return MemberFactory.create(name="赵外出", home_org=tree.a1)


def test_the_template_has_the_columns_and_the_lists(login, secretary) -> None:
    response = login(secretary).get(reverse("ledgers:import_template", args=["outflows"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data, instructions, options = book.worksheets
    assert data.title == "外出流动登记"
    assert [cell.value for cell in data[1]] == HEADERS
    assert "流向省份" in [line[0] for line in instructions.iter_rows(values_only=True)]
    offered = {value for line in options.iter_rows(values_only=True) for value in line}
    assert {"外出务工经商", "非公企业"} <= offered
    assert set(Trade.objects.active().values_list("name", flat=True)) <= offered


def test_the_away_list_links_to_the_import(login, secretary, inspector) -> None:
    url = reverse("members:away")
    assert 'data-testid="import-outflows"' in login(secretary).get(url).content.decode()
    assert "导入外出登记" in login(secretary).get(url).content.decode()
    assert 'data-testid="import-outflows"' not in login(inspector).get(url).content.decode()


def test_a_good_file_is_previewed_then_imported(login, secretary, members, second) -> None:
    trade = Trade.objects.active().first()
    assert trade is not None
    client = login(secretary)
    body = sheet(
        [
            row(
                members["a1"],
                流入地工作单位="宁波某电子厂",
                所在单位是否建有党组织="是",
                工作单位类型="非公企业",
                预计返回日期=RETURN,
                流入地联系电话="13900001111",
                专人联系人=secretary.full_name,
                行业=trade.name,
            ),
            row(
                second,
                流向省份="广东省",
                流向城市="深圳市",
                结对党员="王甲一",
                **{"流向县（区）": "南山区"},
            ),
        ]
    )
    batch = upload(client, body)
    assert batch.problems == []
    assert (batch.status, batch.rows, batch.counts["create"]) == ("ready", 2, 2)
    assert not MobilityEpisode.objects.filter(member__in=[members["a1"], second]).exists()
    assert confirm(client, batch).status == "done"
    first = MobilityEpisode.objects.get(member=members["a1"])
    assert (first.status, first.out_date, first.destination) == (
        "registered",
        OUT,
        "浙江省宁波市北仑区",
    )
    assert (first.employer, first.employer_has_party_org, first.employer_sector) == (
        "宁波某电子厂",
        True,
        "enterprise",
    )
    assert (first.phone_there, first.contact_person, first.trade) == (
        "13900001111",
        secretary,
        trade,
    )
    assert first.expected_return == RETURN
    assert first.registered_by == secretary
    other = MobilityEpisode.objects.get(member=second)
    assert (other.destination, other.contact_member) == ("广东省深圳市南山区", members["a1"])
    member = Member.objects.get(pk=members["a1"].pk)
    assert (member.is_mobile, member.mobile_destination) == (True, "浙江省宁波市北仑区")
    assert AuditEntry.objects.get(event="import.ledger").changes["create"] == 2


def test_one_bad_row_shows_its_row_and_column_and_nothing_is_written(
    login, secretary, members, second, tree
) -> None:
    third = MemberFactory.create(name="钱外出", home_org=tree.a1)
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(members["a1"]),
                row(second, 流入地联系电话="12345"),
                row(third, 从业类别="种地"),
            ]
        ),
    )
    assert batch.status == "invalid"
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(3, "流入地联系电话"), (4, "从业类别")]
    assert "11位" in found[0][2] or "11" in found[0][2]
    assert found[1][2].startswith("“种地”不是可选项")
    page = client.get(reverse("ledgers:import_batch", args=[batch.pk])).content.decode()
    assert "第 3 行" in page
    assert "import-confirm" not in page
    confirm(client, batch)
    assert not MobilityEpisode.objects.filter(member__in=[members["a1"], second, third]).exists()


def test_an_expected_return_before_leaving_is_the_forms_error(login, secretary, members) -> None:
    batch = upload(
        login(secretary), sheet([row(members["a1"], 预计返回日期=OUT - dt.timedelta(1))])
    )
    assert [(r, c) for r, c, _m in problems(batch)] == [(2, "预计返回日期")]


def test_importing_the_same_file_again_changes_nothing(login, secretary, members, second) -> None:
    client = login(secretary)
    body = sheet([row(members["a1"]), row(second)])
    confirm(client, upload(client, body))
    stamps = dict(
        MobilityEpisode.objects.filter(member__in=[members["a1"], second]).values_list(
            "pk", "updated_at"
        )
    )
    assert len(stamps) == 2
    entries = AuditEntry.objects.count()
    again = upload(client, body)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2}
    assert confirm(client, again).status == "done"
    after = dict(
        MobilityEpisode.objects.filter(member__in=[members["a1"], second]).values_list(
            "pk", "updated_at"
        )
    )
    assert after == stamps
    assert AuditEntry.objects.count() == entries + 1  # the import itself, nothing else


def test_a_member_away_on_another_absence_is_a_row_error(login, secretary, members) -> None:
    away(members["a1"], actor=secretary, out_date=OUT - dt.timedelta(days=100))
    batch = upload(login(secretary), sheet([row(members["a1"])]))
    [(number, column, message)] = problems(batch)
    assert (number, column) == (2, "外出日期")
    assert "请先登记其返回" in message


def test_members_outside_the_scope_read_like_unknown_numbers(login, secretary, members) -> None:
    """B1's member (another township), A2's (the sibling branch) and a number registered
    nowhere get the same words: an import reveals nothing of other organizations' members."""
    client = login(secretary)
    batch = upload(
        client,
        sheet(
            [
                row(members["b1"]),
                row(members["a2"]),
                row(members["a1"], 姓名="无此人", 公民身份号码=UNKNOWN),
            ]
        ),
    )
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (4, "公民身份号码"),
    ]
    assert len({m for _r, _c, m in found}) == 1
    assert found[0][2] == "您所在党组织没有此公民身份号码的党员。"


def test_the_township_registers_its_branches_members(login, town, members) -> None:
    """The township officer above A1 and A2 registers A2's member."""
    batch = upload(login(town), sheet([row(members["a2"])]))
    assert batch.status == "ready"


def test_a_wrong_name_is_a_row_error(login, secretary, members) -> None:
    batch = upload(login(secretary), sheet([row(members["a1"], 姓名="王甲十")]))
    assert [(r, c) for r, c, _m in problems(batch)] == [(2, "姓名")]


def test_duplicates_in_the_file(login, secretary, members) -> None:
    batch = upload(
        login(secretary),
        sheet([row(members["a1"]), row(members["a1"], 外出日期=OUT - dt.timedelta(days=1))]),
    )
    assert problems(batch) == [(3, "公民身份号码", "与第 2 行的公民身份号码相同。")]


def test_unknown_names_of_records(login, secretary, members) -> None:
    batch = upload(
        login(secretary),
        sheet(
            [row(members["a1"], 专人联系人="无此人", 预计流入地党组织="无此支部", 行业="无此行业")]
        ),
    )
    assert {c for _r, c, _m in problems(batch)} == {"专人联系人", "预计流入地党组织", "行业"}


def test_the_commit_is_all_or_nothing(login, secretary, members, second) -> None:
    """A row that became wrong between the preview and the confirmation (the member was
    registered away on another date meanwhile) stops every row: nothing is imported."""
    client = login(secretary)
    batch = upload(client, sheet([row(members["a1"]), row(second)]))
    assert batch.status == "ready"
    away(second, actor=secretary, out_date=OUT - dt.timedelta(days=5))
    assert confirm(client, batch).status == "invalid"
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "外出日期")]
    assert not MobilityEpisode.objects.filter(member=members["a1"]).exists()
