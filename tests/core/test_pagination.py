"""Keyset pagination, on the member register's own order: (name_pinyin, id)."""

from __future__ import annotations

import base64
import json

import pytest
from django.db.models import Count, Value
from django.db.models.functions import Length

from core.pagination import keyset_page
from members.models import Member
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

KEYS = ("name_pinyin", "id")
# Homophones (张/章, 李/黎) share a pinyin key, so the id must break the tie.
NAMES = ["张三", "章三", "李四", "黎四", "王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一"]


@pytest.fixture
def register() -> list[Member]:
    branch = BranchFactory.create()
    made = [MemberFactory.create(name=name, home_org=branch) for name in NAMES]
    return sorted(made, key=lambda m: (m.name_pinyin, m.id))


def _walk_forward(size: int) -> list[list[Member]]:
    pages = [keyset_page(Member.objects.all(), keys=KEYS, size=size)]
    while pages[-1].next_cursor:
        pages.append(
            keyset_page(Member.objects.all(), keys=KEYS, size=size, after=pages[-1].next_cursor)
        )
    return [p.object_list for p in pages]


def test_forward_walk_sees_every_row_once_in_order(register):
    pages = _walk_forward(size=3)
    assert [len(p) for p in pages] == [3, 3, 3, 2]
    assert [m.pk for page in pages for m in page] == [m.pk for m in register]


def test_backward_walk_returns_the_same_pages(register):
    size = 3
    forward = [keyset_page(Member.objects.all(), keys=KEYS, size=size)]
    while forward[-1].next_cursor:
        forward.append(
            keyset_page(Member.objects.all(), keys=KEYS, size=size, after=forward[-1].next_cursor)
        )
    page = forward[-1]
    backward = [page.object_list]
    while page.previous_cursor:
        page = keyset_page(Member.objects.all(), keys=KEYS, size=size, before=page.previous_cursor)
        backward.append(page.object_list)
    assert backward[::-1] == [p.object_list for p in forward]
    assert page.previous_cursor is None


def test_first_page_has_no_previous_and_last_page_no_next(register):
    first = keyset_page(Member.objects.all(), keys=KEYS, size=len(register))
    assert first.previous_cursor is None
    assert first.next_cursor is None
    assert not first.has_other_pages


def test_an_empty_queryset_is_one_empty_page(db):
    page = keyset_page(Member.objects.all(), keys=KEYS, size=5)
    assert page.object_list == []
    assert (page.next_cursor, page.previous_cursor) == (None, None)


@pytest.mark.parametrize(
    "cursor", ["garbage!!", "%%%", "e30", base64.urlsafe_b64encode(b"[1]").decode()]
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_garbled_cursor_gives_the_first_page(register, cursor, direction):
    page = keyset_page(Member.objects.all(), keys=KEYS, size=4, **{direction: cursor})
    assert [m.pk for m in page.object_list] == [m.pk for m in register[:4]]


def _cursor(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [["zhang", "not-a-number"], [None, 1], [["zhang"], {}]])
def test_a_cursor_with_values_of_the_wrong_type_gives_the_first_page(register, values):
    page = keyset_page(Member.objects.all(), keys=KEYS, size=4, after=_cursor(values))
    assert [m.pk for m in page.object_list] == [m.pk for m in register[:4]]


def test_a_date_key_pages_forward_and_back(register):
    """Issue 10, item 1: a list ordered by a date (meetings by day, certificates by issue date)
    pages on: a cursor keeps the date as a date; a forged date in a cursor is no cursor."""
    keys = ("-birth_date", "id")
    ordered = list(Member.objects.order_by(*keys))
    first = keyset_page(Member.objects.all(), keys=keys, size=4)
    second = keyset_page(Member.objects.all(), keys=keys, size=4, after=first.next_cursor)
    assert first.object_list + second.object_list == ordered[:8]
    back = keyset_page(Member.objects.all(), keys=keys, size=4, before=second.previous_cursor)
    assert back.object_list == first.object_list
    forged = base64.urlsafe_b64encode(json.dumps(["d:2026-13-45", 1]).encode()).decode()
    assert keyset_page(Member.objects.all(), keys=keys, size=4, after=forged).object_list == (
        first.object_list
    )


def test_finish_reads_the_page_rows_again_in_the_same_query(register, django_assert_num_queries):
    """Issue 10, item 1: `finish` reads a page's rows with what is computed per row (here a
    count), in one query whose aggregate runs over the page's rows only (the limit is inside)."""

    def finish(rows):
        return rows.annotate(letters=Length("name_pinyin"), one=Count(Value(1)))

    with django_assert_num_queries(1) as queries:
        page = keyset_page(Member.objects.all(), keys=KEYS, size=4, finish=finish)
    assert [m.pk for m in page.object_list] == [m.pk for m in register[:4]]
    assert [m.letters for m in page.object_list] == [len(m.name_pinyin) for m in register[:4]]  # type: ignore[attr-defined]
    assert "LIMIT 5" in queries.captured_queries[0]["sql"]
    second = keyset_page(
        Member.objects.all(), keys=KEYS, size=4, after=page.next_cursor, finish=finish
    )
    back = keyset_page(
        Member.objects.all(), keys=KEYS, size=4, before=second.previous_cursor, finish=finish
    )
    assert [m.pk for m in second.object_list] == [m.pk for m in register[4:8]]
    assert back.object_list == page.object_list
