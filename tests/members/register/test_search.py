"""Finding a member the way staff type: pinyin initials, full pinyin, Chinese, ID or phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.pinyin import next_key, reading_prefix
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang_san(tree):
    return MemberFactory.create(name="张三", home_org=tree.a1, phone="13912345678")


@pytest.fixture
def others(tree):
    """Near misses in scope, and a 张三 namesake out of the secretary's scope."""
    return {
        "li_si": MemberFactory.create(name="李四", home_org=tree.a1, phone="13800000001"),
        "zhao_si": MemberFactory.create(name="赵四", home_org=tree.a1, phone="13800000002"),
        "zhang_wei": MemberFactory.create(name="张伟", home_org=tree.a1, phone="13800000003"),
        "namesake": MemberFactory.create(name="张三", home_org=tree.b1, phone="13912345679"),
    }


def _search(client, text: str) -> set[str]:
    response = client.get(reverse("members:list"), {"q": text})
    assert response.status_code == 200
    return {m.name for m in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zs", {"张三", "赵四"}),  # same initials: both are offered
        ("ZS", {"张三", "赵四"}),
        ("zhang", {"张三", "张伟"}),
        ("zhangsan", {"张三"}),
        ("zhang san", {"张三"}),
        ("张", {"张三", "张伟"}),
        ("张三", {"张三"}),
        ("z", {"张三", "张伟", "赵四"}),
        ("zh", {"张三", "张伟", "赵四"}),
        ("ls", {"李四"}),
        ("wang", set()),
        ("三", set()),  # a Chinese search matches the name from its start
    ],
)
def test_name_search(text, expected, zhang_san, others, secretary, login):
    assert _search(login(secretary), text) == expected


def test_id_number_prefix_finds_the_member(zhang_san, others, secretary, login):
    client = login(secretary)
    assert _search(client, zhang_san.id_number[:14]) == {"张三"}
    assert _search(client, zhang_san.id_number) == {"张三"}


def test_id_number_with_lowercase_x_finds_the_member(tree, secretary, login):
    member = MemberFactory.create(
        name="钱七",
        home_org=tree.a1,
        id_number="11010519491231002X",
        birth_date="1949-12-31",
        gender="F",
        joined_on="1975-01-01",
        full_member_on="1976-01-01",
    )
    assert member.id_number.endswith("X")
    assert _search(login(secretary), "11010519491231002x") == {"钱七"}


def test_phone_prefix_finds_the_member(zhang_san, others, secretary, login):
    client = login(secretary)
    assert _search(client, "1391234") == {"张三"}
    assert _search(client, "13912345678") == {"张三"}


def _found_pks(client, text: str) -> set[int]:
    response = client.get(reverse("members:list"), {"q": text})
    return {m.pk for m in response.context["page"].object_list}


@pytest.mark.parametrize("text", ["zs", "zhangsan", "张三", "13912345", "110101"])
def test_search_never_returns_the_namesake_out_of_scope(
    text, zhang_san, others, secretary, town, county, login
):
    # The B1 namesake matches every one of these; only the county officer may find it.
    namesake = others["namesake"].pk
    for user in (secretary, town):
        found = _found_pks(login(user), text)
        assert zhang_san.pk in found
        assert namesake not in found
    assert {zhang_san.pk, namesake} <= _found_pks(login(county), text)


def test_search_punctuation_finds_nothing_and_does_not_fail(zhang_san, secretary, login):
    assert _search(login(secretary), "%_'\"") == set()


def test_search_combines_with_the_organization_filter(tree, zhang_san, county, login):
    MemberFactory.create(name="张三丰", home_org=tree.a2)
    client = login(county)
    response = client.get(reverse("members:list"), {"q": "zs", "org": tree.a2.pk})
    assert [m.name for m in response.context["page"].object_list] == ["张三丰"]


def test_a_polyphonic_surname_is_found_by_its_characters(tree, secretary, login):
    # 曾 reads ceng or zeng: no pinyin range may be assumed for it.
    zeng = MemberFactory.create(name="曾国藩", home_org=tree.a1)
    found = Member.objects.visible_to(secretary).search("曾国")
    assert list(found) == [zeng]


@pytest.mark.parametrize(
    ("text", "prefix", "upper"),
    [("张三", "zhangsan", "zhangsao"), ("李", "li", "lj"), ("曾", "", None), ("王", "", None)],
)
def test_pinyin_ranges_for_chinese_prefixes(text, prefix, upper):
    assert reading_prefix(text) == prefix
    assert (next_key(prefix) if prefix else None) == upper


def test_next_key_skips_trailing_z():
    assert next_key("az") == "b"
    assert next_key("zz") is None
