"""Surnames read as surnames (Issue 9, item 1): keys, search, the register's order, the typed
reading on the member form, and the migration that recomputes the keys already stored."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from core.pinyin import pinyin_initials, pinyin_key, reading_prefix
from members.models import Member
from tests.factories import MemberFactory
from tests.members.register.test_forms import card

pytestmark = pytest.mark.django_db

SURNAMES = {
    "曾志伟": "zengzhiwei",
    "单志刚": "shanzhigang",
    "解晓东": "xiexiaodong",
    "仇国华": "qiuguohua",
    "区永明": "ouyongming",
    "朴成": "piaocheng",
    "查明": "zhaming",
    "乐平": "yueping",
    "覃勇": "qinyong",
    "缪军": "miaojun",
    "盖红": "gehong",
    "召伟": "shaowei",
    "尉迟恭": "yuchigong",
    "万俟卨": "moqixie",
    "长孙无忌": "zhangsunwuji",
    "单于兰": "chanyulan",
    "翟明": "zhaiming",
    "秘书平": "bishuping",
    "张三": "zhangsan",
}


@pytest.mark.parametrize(("name", "key"), SURNAMES.items())
def test_the_surname_is_read_as_a_surname(name, key):
    """Issue 9, item 1: pinyin keys use the surname's reading, not the common one."""
    assert pinyin_key(name) == key


def test_initials_and_prefix_follow_the_surname():
    """Issue 9, item 1: "zzw" is 曾志伟's initials; a Chinese search's prefix range still holds
    (the surname's reading is among its character's readings)."""
    assert pinyin_initials("曾志伟") == "zzw"
    assert pinyin_initials("单志刚") == "szg"
    for name, key in SURNAMES.items():
        assert key.startswith(reading_prefix(name))


@pytest.fixture
def people(tree):
    return {
        name: MemberFactory.create(name=name, home_org=tree.a1)
        for name in ("单志刚", "曾志伟", "邓小明", "沈平", "张三")
    }


def _search(client, text: str) -> list[str]:
    response = client.get(reverse("members:list"), {"q": text})
    assert response.status_code == 200
    return [m.name for m in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sz", ["单志刚"]),
        ("shan", ["单志刚"]),
        ("zzw", ["曾志伟"]),
        ("zeng", ["曾志伟"]),
        ("dan", []),
        ("ceng", []),
        ("单", ["单志刚"]),
        ("曾志", ["曾志伟"]),
    ],
)
def test_search_finds_the_surname_reading(text, expected, people, secretary, login):
    """Issue 9, item 1: "sz" and "shan" find 单志刚, "zzw" finds 曾志伟; the common readings
    no longer do."""
    assert _search(login(secretary), text) == expected


def test_the_register_sorts_them_under_their_letter(people, secretary, login):
    """Issue 9, item 1: 单 sorts under S (after 沈), 曾 under Z (before 张)."""
    response = login(secretary).get(reverse("members:list"))
    names = [m.name for m in response.context["page"].object_list if m.name in people]
    assert names == ["邓小明", "单志刚", "沈平", "曾志伟", "张三"]


def test_a_typed_reading_overrides_the_computed_one(tree, superuser, login):
    """Issue 9, item 1: a member whose name is read otherwise has the reading corrected on the
    member form; the keys follow it."""
    client = login(superuser)
    response = client.post(
        reverse("members:create"), card(tree.a1, name="单志刚", name_reading="Dan Zhi  Gang")
    )
    assert response.status_code == 302
    member = Member.objects.get(name="单志刚")
    assert (member.name_reading, member.name_pinyin, member.name_initials) == (
        "dan zhi gang",
        "danzhigang",
        "dzg",
    )
    assert _search(client, "dzg") == ["单志刚"]
    assert _search(client, "单志") == ["单志刚"]


@pytest.mark.parametrize("reading", ["shan zhi", "shan zi gang", "shān zhi gang"])
def test_a_reading_that_does_not_read_the_name_is_refused(reading, tree, superuser, login):
    """Issue 9, item 1: the typed reading gives each character one of its readings (so the
    search's ranges stay sound); otherwise a field error, and nothing is saved."""
    response = login(superuser).post(
        reverse("members:create"), card(tree.a1, name="单志刚", name_reading=reading)
    )
    assert response.status_code == 200
    assert "name_reading" in response.context["form"].errors
    assert not Member.objects.filter(name="单志刚").exists()


def test_the_migration_recomputes_stored_keys(people):
    """Issue 9, item 1: existing keys are recomputed by a data migration."""
    Member.objects.filter(name="曾志伟").update(name_pinyin="cengzhiwei", name_initials="czw")
    Member.objects.filter(name="单志刚").update(name_reading="dan zhi gang")
    migration = importlib.import_module("members.migrations.0004_surname_pinyin_keys")
    migration.recompute(apps, SimpleNamespace(connection=connection))
    keys = dict(Member.objects.values_list("name", "name_pinyin"))
    assert keys["曾志伟"] == "zengzhiwei"
    assert keys["单志刚"] == "danzhigang"
    assert keys["张三"] == "zhangsan"
