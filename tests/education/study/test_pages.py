"""The pages of classified and online education (issue 10, item 6): the column, an item (its text
escaped), publishing, editing and withdrawing, "read by", recording study from the member's
page, the member page's study panel, and the yearly hours list with who is short. Access for
every page is in tests/test_access.py; the queries each page costs are pinned here and do not
grow with its rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Audience, ColumnItem, StudyRecord
from education.study.builders import give_post, publish, study
from members.models import Member
from tests.factories import MemberFactory
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()


#: Session, user, roles, the column's page of items (with their publishers).
COLUMN_QUERIES = 4


def test_the_column_lists_newest_first_and_costs_the_same_with_more_items(
    tree, secretary, superuser, login, django_assert_num_queries
):
    client = login(secretary)
    publish(tree.county, actor=superuser, title="较早", on=TODAY - dt.timedelta(days=9))
    publish(tree.town_a, actor=superuser, title="最新", on=TODAY)
    publish(tree.town_b, actor=superuser, title="乙镇的")  # not the A1 secretary's
    with django_assert_num_queries(COLUMN_QUERIES):
        page = client.get(reverse("education:column"))
    assert [i.title for i in page.context["page"].object_list] == ["最新", "较早"]
    for n in range(8):
        publish(tree.a1, actor=superuser, title=f"支部学习{n}", on=TODAY - dt.timedelta(days=n))
    with django_assert_num_queries(COLUMN_QUERIES):
        page = client.get(reverse("education:column"))
    assert len(page.context["page"].object_list) == 10


def test_the_column_filters_by_audience_and_ignores_a_forged_one(tree, county, superuser, login):
    publish(tree.county, actor=superuser, title="经商", audience=Audience.MIGRANT)
    publish(tree.county, actor=superuser, title="全体")
    client = login(county)
    page = client.get(reverse("education:column"), {"audience": "migrant"})
    assert [i.title for i in page.context["page"].object_list] == ["经商"]
    page = client.get(reverse("education:column"), {"audience": "\x00x"})
    assert page.status_code == 200
    assert {i.title for i in page.context["page"].object_list} == {"经商", "全体"}


def test_an_items_text_is_escaped(tree, town, superuser, login):
    """No HTML from users: the body is shown as typed."""
    item = publish(tree.town_a, actor=superuser, body='<script>alert("x")</script>\n第二行')
    page = login(town).get(reverse("education:column_item", args=[item.pk]))
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def _publish_data(tree, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organization": tree.a1.pk,
        "kind": "material",
        "title": "学习新党章",
        "body": "全文学习。",
        "link": "",
        "study_hours": "\uff12",
        "published_on": TODAY.isoformat(),
        "audience": "everyone",
    }
    data.update(over)
    return data


def test_a_secretary_publishes_for_the_branch(tree, secretary, login):
    response = login(secretary).post(reverse("education:column_publish"), _publish_data(tree))
    item = ColumnItem.objects.get(title="学习新党章")
    assert response.status_code == 302
    assert response["Location"] == reverse("education:column_item", args=[item.pk])
    assert (item.organization, item.study_hours, item.created_by) == (
        tree.a1,
        Decimal(2),
        secretary,
    )


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"link": "javascript:alert(1)"}, "link", "有效的 URL"),
        ({"study_hours": "-1"}, "study_hours", "学时不能为负数"),
        ({"study_hours": "25"}, "study_hours", "一次最多登记24学时"),
        ({"audience": "chosen"}, "organizations", "请选择面向的组织"),
    ],
)
def test_bad_input_on_publishing_is_a_field_error_and_nothing_is_saved(
    tree, secretary, login, over, field, words
):
    page = login(secretary).post(reverse("education:column_publish"), _publish_data(tree, **over))
    assert page.status_code == 200
    assert any(words in str(e) for e in page.context["form"].errors[field]), page.context[
        "form"
    ].errors
    assert not ColumnItem.objects.filter(title="学习新党章").exists()


def test_chosen_organizations_must_be_under_the_publisher(tree, town, login):
    data = _publish_data(
        tree, organization=tree.a1.pk, audience="chosen", organizations=[tree.a2.pk]
    )
    page = login(town).post(reverse("education:column_publish"), data)
    assert "不在 甲一支部 之下" in str(page.context["form"].errors["organizations"])
    assert not ColumnItem.objects.filter(title="学习新党章").exists()


def test_a_forged_publisher_is_a_404(tree, secretary, login):
    response = login(secretary).post(
        reverse("education:column_publish"), _publish_data(tree, organization=tree.b1.pk)
    )
    assert response.status_code == 404
    assert not ColumnItem.objects.exists()


def test_edit_and_withdraw(tree, town, secretary, superuser, login):
    item = publish(tree.town_a, actor=superuser, title="旧标题")
    client = login(town)
    data = {
        "kind": "material",
        "title": "新标题",
        "body": "改过",
        "study_hours": "1.5",
        "published_on": TODAY.isoformat(),
        "audience": "everyone",
    }
    assert client.post(reverse("education:column_edit", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.study_hours) == ("新标题", Decimal("1.5"))
    url = reverse("education:column_withdraw", args=[item.pk])
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    assert client.post(url, {"reason": "已过时"}).status_code == 302
    item.refresh_from_db()
    assert item.is_withdrawn
    # Out of the column, still on file: its page says it was withdrawn.
    column = login(secretary).get(reverse("education:column"))
    assert item not in column.context["page"].object_list
    assert (
        "已撤回"
        in login(secretary).get(reverse("education:column_item", args=[item.pk])).content.decode()
    )


#: Session, user, roles; the item; the organization filter's options; the candidates (the
#: member scope for recording: organizations, shared members); the page of candidates.
READERS_QUERIES = 8


def test_read_by_records_the_members_chosen_once(
    tree, members, town, superuser, login, django_assert_num_queries
):
    item = publish(tree.town_a, actor=superuser, hours=2)
    client = login(town)
    url = reverse("education:column_read", args=[item.pk])
    with django_assert_num_queries(READERS_QUERIES):
        page = client.get(url)
    offered = {value for value, _label in page.context["form"].fields["members"].widget.choices}
    assert offered == {members["a1"].pk, members["a2"].pk, members["shared"].pk}
    for n in range(5):
        MemberFactory.create(name=f"王新{n}", home_org=tree.a2)
    with django_assert_num_queries(READERS_QUERIES):
        client.get(url)
    response = client.post(url, {"members": [members["a1"].pk], "read_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert StudyRecord.objects.get(column_item=item).member_id == members["a1"].pk
    page = client.get(url, {"org": tree.a2.pk})
    offered = {value for value, _label in page.context["form"].fields["members"].widget.choices}
    assert members["a1"].pk not in offered
    assert members["shared"].pk in offered


def test_read_by_a_forged_member_is_a_404(tree, members, secretary, superuser, login):
    item = publish(tree.town_a, actor=superuser, hours=2)
    response = login(secretary).post(
        reverse("education:column_read", args=[item.pk]),
        {"members": [members["b1"].pk], "read_on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    assert not StudyRecord.objects.exists()


def test_study_is_recorded_from_the_members_page(tree, members, secretary, superuser, login):
    member = members["a1"]
    url = reverse("education:study_record", args=[member.pk])
    client = login(secretary)
    page = client.post(
        url,
        {"kind": "training", "title": "党员冬训", "studied_on": TODAY.isoformat(), "hours": "24.1"},
    )
    assert page.context["form"].errors["hours"] == ["一次最多登记24学时：一天只有24小时。"]
    assert not StudyRecord.objects.filter(member=member).exists()
    response = client.post(
        url,
        {
            "kind": "training",
            "title": "党员冬训",
            "studied_on": TODAY.isoformat(),
            "hours": "\uff18",
        },
    )
    assert response.status_code == 302
    assert StudyRecord.objects.get(member=member).hours == 8
    # A column item, preselected from ?item=: worth its own hours.
    item = publish(tree.town_a, actor=superuser, hours=3)
    page = client.get(url, {"item": item.pk})
    assert page.context["form"].initial == {"kind": "column", "column_item": item.pk}
    client.post(url, {"kind": "column", "column_item": item.pk, "studied_on": TODAY.isoformat()})
    assert StudyRecord.objects.get(member=member, column_item=item).hours == 3
    # Read already: no longer offered.
    page = client.get(url)
    assert item not in page.context["form"].fields["column_item"].queryset


def test_the_member_page_shows_this_years_hours(tree, members, secretary, superuser, login):
    member = members["a1"]
    give_post(member, actor=superuser, since=dt.date(TODAY.year - 1, 1, 1))
    study(member, actor=superuser, hours=6, title="党员冬训")
    page = login(secretary).get(reverse("members:detail", args=[member.pk]))
    hours = shown(page, "hours")
    assert (hours["study_hours"], hours["required_hours"], hours["is_short"]) == (6, 56, True)
    html = page.content.decode()
    assert "6.0 / 56 学时" in html
    assert "支部书记，自" in html
    assert reverse("education:study_record", args=[member.pk]) in html


#: Session, user, roles; the organizations in view scope and the members shared with them; the
#: filter's organizations; the summary (members and who is short, one aggregate); the page.
HOURS_QUERIES = 8


def test_the_hours_list_costs_the_same_with_more_members(
    tree, members, town, superuser, login, django_assert_num_queries
):
    client = login(town)
    url = reverse("education:study_hours")
    with django_assert_num_queries(HOURS_QUERIES):
        page = client.get(url)
    first = len(page.context["page"].object_list)
    for n in range(6):
        MemberFactory.create(name=f"王多{n}", home_org=tree.a1)
    with django_assert_num_queries(HOURS_QUERIES):
        page = client.get(url, {"short": "on", "year": str(TODAY.year)})
    assert len(page.context["page"].object_list) == first + 6


def test_the_hours_list_shows_who_is_short(tree, members, town, superuser, login):
    """Township A's members for last year: the one with 32 hours meets the requirement; the
    others are short; a year typed as 0001 or in full-width digits is a field error or read
    as meant, never a 500."""
    last = TODAY.year - 1
    study(members["a1"], actor=superuser, hours=24, on=dt.date(last, 4, 1))
    study(members["a1"], actor=superuser, hours=8, on=dt.date(last, 5, 1))
    client = login(town)
    url = reverse("education:study_hours")
    page = client.get(url, {"year": str(last), "org": tree.town_a.pk})
    assert page.context["summary"] == {"members": 3, "short": 2}
    page = client.get(url, {"year": str(last), "org": tree.town_a.pk, "short": "on"})
    names = [m.name for m in page.context["page"].object_list]
    assert set(names) == {members["a2"].name, members["shared"].name}
    assert "2 名未达标" in page.content.decode()
    page = client.get(url, {"year": "0001"})
    assert page.status_code == 200
    assert page.context["year"] == TODAY.year
    page = client.get(url, {"year": "\uff12\uff10\uff12\uff15"})
    assert page.status_code == 200


def test_the_hours_list_is_scoped(members, secretary, login):
    page = login(secretary).get(reverse("education:study_hours"))
    ids = {m.pk for m in page.context["page"].object_list}
    assert ids == {members["a1"].pk}
    assert Member.objects.filter(pk=members["b1"].pk).exists()


#: Session, user, roles; the item (with its publisher); may change it; the member scope (the
#: organizations in view scope, the members shared with them); how many of them read it.
ITEM_QUERIES = 8


def test_the_item_page_counts_the_readers_the_user_sees(
    tree, members, secretary, town, superuser, login, django_assert_num_queries
):
    item = publish(tree.town_a, actor=superuser, hours=2)
    url = reverse("education:column_item", args=[item.pk])
    client = login(secretary)
    with django_assert_num_queries(ITEM_QUERIES):
        assert client.get(url).context["read_count"] == 0
    study(members["a1"], actor=superuser, hours=1, item=item)
    study(members["a2"], actor=superuser, hours=1, item=item)
    with django_assert_num_queries(ITEM_QUERIES):
        page = client.get(url)
    assert page.context["read_count"] == 1  # a2's member is not the A1 secretary's
    assert login(town).get(url).context["read_count"] == 2


def test_the_inflow_side_is_offered_only_the_items_it_sees(
    tree, members, station, superuser, login
):
    """Station B-S records study for the member shared with it (held by A2): township A's item
    applies to the member but is not the station's to see, so it is neither offered nor
    accepted."""
    county_item = publish(tree.county, actor=superuser, title="全县")
    town_item = publish(tree.town_a, actor=superuser, title="甲镇")
    member = members["shared"]
    url = reverse("education:study_record", args=[member.pk])
    client = login(station)
    offered = list(client.get(url).context["form"].fields["column_item"].queryset)
    assert offered == [county_item]
    data = {"kind": "column", "column_item": town_item.pk, "studied_on": TODAY.isoformat()}
    assert client.post(url, data).status_code == 404  # not among the choices: forged
    data["column_item"] = county_item.pk
    assert client.post(url, data).status_code == 302
    assert StudyRecord.objects.get(member=member).column_item == county_item
