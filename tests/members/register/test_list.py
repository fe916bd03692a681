"""The member list: pinyin order, keyset pages, archived members hidden by default."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, archive

pytestmark = pytest.mark.django_db

# 张/章 and 李/黎 are homophones: equal pinyin keys, ordered by id.
NAMES = [
    "张三",
    "章三",
    "李四",
    "黎四",
    "王五",
    "赵六",
    "钱七",
    "孙八",
    "周九",
    "吴十",
    "郑一",
    "朱二",
]


@pytest.fixture
def register(tree):
    made = [MemberFactory.create(name=name, home_org=tree.a1) for name in NAMES]
    MemberFactory.create(name="陈外", home_org=tree.b1)  # out of the secretary's scope
    return sorted(made, key=lambda m: (m.name_pinyin, m.pk))


@pytest.fixture
def small_pages(settings):
    settings.MEMBERS_PAGE_SIZE = 5


def _page(client, **params):
    response = client.get(reverse("members:list"), params)
    assert response.status_code == 200
    return response.context["page"]


def test_walk_forward_and_back_sees_everyone_once_in_pinyin_order(
    register, small_pages, secretary, login
):
    client = login(secretary)
    pages = [_page(client)]
    while pages[-1].next_cursor:
        pages.append(_page(client, after=pages[-1].next_cursor))
    seen = [m.pk for page in pages for m in page.object_list]
    assert [len(p.object_list) for p in pages] == [5, 5, 2]
    assert seen == [m.pk for m in register]
    assert pages[0].previous_cursor is None

    back = [pages[-1]]
    while back[-1].previous_cursor:
        back.append(_page(client, before=back[-1].previous_cursor))
    assert [[m.pk for m in p.object_list] for p in reversed(back)] == [
        [m.pk for m in p.object_list] for p in pages
    ]


def test_homophones_are_ordered_by_pinyin_then_registration(register, secretary, login):
    names = [m.name for m in _page(login(secretary)).object_list]
    assert names.index("张三") < names.index("章三")
    assert names.index("李四") < names.index("黎四")
    assert names == [m.name for m in register]


def test_pages_keep_the_search(register, small_pages, secretary, login):
    client = login(secretary)
    first = _page(client, q="z")  # 张三 章三 赵六 周九 郑一 朱二
    expected = [m.pk for m in register if m.name_pinyin.startswith("z")]
    assert len(expected) > 5
    second = _page(client, q="z", after=first.next_cursor)
    assert [m.pk for m in first.object_list + second.object_list] == expected


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "W10", ""])
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_garbled_cursor_gives_the_first_page(
    register, small_pages, secretary, login, cursor, direction
):
    page = _page(login(secretary), **{direction: cursor})
    assert [m.pk for m in page.object_list] == [m.pk for m in register[:5]]


def test_a_forged_cursor_gives_the_first_page(register, small_pages, secretary, login):
    forged = base64.urlsafe_b64encode(json.dumps(["zhang", "x"]).encode()).decode()
    page = _page(login(secretary), after=forged)
    assert [m.pk for m in page.object_list] == [m.pk for m in register[:5]]


def test_archived_members_are_hidden_by_default_and_listed_on_request(register, secretary, login):
    gone = archive(register[0])
    client = login(secretary)
    default = [m.pk for m in _page(client).object_list]
    archived = [m.pk for m in _page(client, archived="true").object_list]
    assert gone.pk not in default
    assert len(default) == len(register) - 1
    assert archived == [gone.pk]


def test_organization_filter_outside_the_scope_does_not_widen_it(register, tree, secretary, login):
    # A forged org id is not a valid choice: the list stays the secretary's scope.
    page = _page(login(secretary), org=tree.b1.pk)
    assert {m.home_org_id for m in page.object_list} <= {tree.a1.pk}


def test_htmx_request_gets_only_the_results(register, secretary, login):
    client = login(secretary)
    full = client.get(reverse("members:list"))
    partial = client.get(reverse("members:list"), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" in full.content
    assert b"<html" not in partial.content
    assert "张三" in partial.content.decode()


def test_past_the_cap_the_list_says_more_than(register, secretary, login, monkeypatch):
    from members.register import views

    monkeypatch.setattr(views, "LIST_COUNT_CAP", 3)
    response = login(secretary).get(reverse("members:list"))
    assert response.context["total_capped"] is True
    assert response.context["total"] == 3
    assert "3" in response.content.decode()
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 100_000)
    response = login(secretary).get(reverse("members:list"))
    assert response.context["total_capped"] is False
    assert response.context["total"] == len(register)
