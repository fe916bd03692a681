"""The democratic evaluation's pages: the branch's sheet, the grading form (the inflow opinion
shown first), the inflow organization's opinion, the member page's section and the five cards
(issue 10, item 5; MISSION.md "Democratic evaluation: yearly; self-assessment, mutual
assessment, vote; grades; 优秀 generally at most one third")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from education.evaluation.actions import do_record_inflow_opinion
from education.models import Evaluation, Grade, HandlingKind, InflowOpinion
from members.builders import away, check_in
from tests.education.evaluation.test_rules import GRADED_ON, YEAR, branch_of, grade

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def sheet_url(org: Any, year: Any = YEAR) -> str:
    return reverse("education:evaluations", args=[org.pk]) + f"?year={year}"


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def checked_in(members, tree, secretary, station):
    member = members["a1"]
    away(member, actor=secretary, out_date=dt.date(YEAR, 3, 1))
    check_in(member, actor=station, at=tree.bs, on=dt.date(YEAR, 3, 5))
    return member


def test_the_sheet_lists_every_member_graded_or_not_with_the_cap(tree, secretary, login):
    people = branch_of(6, tree.a1)
    grade(people[0], secretary, Grade.EXCELLENT)
    grade(people[1], secretary, Grade.QUALIFIED)
    response = login(secretary).get(sheet_url(tree.a1))
    assert response.status_code == 200
    content = text_of(response)
    for person in people:
        assert person.name in content
    assert "优秀：1名" in content
    assert "最多2名（参加评议的6名党员的1/3，向下取整）" in content
    assert "已评定2名，共6名" in content
    assert content.count("尚未评定") == 4
    # The grading buttons for the members not yet graded.
    assert content.count(f"/{YEAR}/") >= 4


def test_the_sheet_shows_the_inflow_opinion(checked_in, tree, secretary, station, login):
    do_record_inflow_opinion(
        actor=station, member=checked_in, year=YEAR, opinion="表现良好", suggested_grade="excellent"
    )
    content = text_of(login(secretary).get(sheet_url(tree.a1)))
    assert f"{tree.bs.name} · 优秀" in content


@pytest.mark.parametrize(
    "year", ["\uff12\uff10\uff12\uff15", "0001", "9999", "abc", "2025\x00", ""]
)
def test_a_hostile_year_shows_the_default(tree, secretary, login, year):
    response = login(secretary).get(
        reverse("education:evaluations", args=[tree.a1.pk]), {"year": year}
    )
    assert response.status_code == 200
    assert response.context["year"] == YEAR


def test_the_sheet_of_a_committee_is_404(tree, town, login):
    assert login(town).get(sheet_url(tree.town_a)).status_code == 404


#: Session, user, roles, the branch, the rows (grades and opinions as a join and subqueries).
SHEET_QUERIES = 5


def test_the_sheet_costs_the_same_however_many_members(
    tree, secretary, station, login, django_assert_num_queries
):
    client = login(secretary)
    grade(branch_of(3, tree.a1)[0], secretary, Grade.QUALIFIED)
    with django_assert_num_queries(SHEET_QUERIES):
        client.get(sheet_url(tree.a1))
    for person in branch_of(20, tree.a1)[3:12]:
        grade(person, secretary, Grade.QUALIFIED)
    with django_assert_num_queries(SHEET_QUERIES):
        response = client.get(sheet_url(tree.a1))
    assert len(response.context["rows"]) == 20


def test_the_home_branch_sees_the_inflow_opinion_before_grading(
    checked_in, tree, secretary, station, login
):
    do_record_inflow_opinion(
        actor=station,
        member=checked_in,
        year=YEAR,
        opinion="按时参加流入地组织生活",
        suggested_grade="qualified",
    )
    url = reverse("education:evaluate", args=[checked_in.pk, YEAR])
    content = text_of(login(secretary).get(url))
    assert "按时参加流入地组织生活" in content
    assert tree.bs.name in content
    assert "建议 <strong>合格</strong>" in content


def test_grading_through_the_form(members, secretary, login):
    member = members["a1"]
    url = reverse("education:evaluate", args=[member.pk, YEAR])
    response = login(secretary).post(
        url,
        {
            "self_assessment": "按时参加组织生活",
            "mutual_assessment": "大家认为表现良好",
            "votes_excellent": "1",
            "votes_qualified": "4",
            "votes_basic": "0",
            "votes_unqualified": "0",
            "grade": "qualified",
            "graded_on": GRADED_ON.isoformat(),
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(member=member, year=YEAR)
    assert (evaluation.grade, evaluation.votes_qualified) == (Grade.QUALIFIED, 4)
    # Graded: the page shows the grade and no form; a second post is refused in Chinese.
    again = login(secretary).get(url)
    assert "每名党员每年只评定一次" in text_of(again)
    refused = login(secretary).post(url, {"grade": "excellent", "graded_on": GRADED_ON.isoformat()})
    assert refused.status_code == 200
    assert "每名党员每年只评定一次" in text_of(refused)


def test_unqualified_without_handling_is_a_field_error(members, secretary, login):
    url = reverse("education:evaluate", args=[members["a1"].pk, YEAR])
    response = login(secretary).post(
        url, {"grade": "unqualified", "graded_on": GRADED_ON.isoformat()}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "handling_kind" in form.errors
    assert "measures" in form.errors
    assert not Evaluation.objects.exists()


def test_a_forged_meeting_is_404(members, secretary, login):
    url = reverse("education:evaluate", args=[members["a1"].pk, YEAR])
    response = login(secretary).post(
        url, {"grade": "qualified", "graded_on": GRADED_ON.isoformat(), "meeting": "999999"}
    )
    assert response.status_code == 404
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("year", ["1999", "9999"])
def test_a_year_out_of_range_in_the_url_is_404(members, secretary, login, year):
    url = reverse("education:evaluate", args=[members["a1"].pk, 2000]).replace(
        "/2000/", f"/{year}/"
    )
    assert login(secretary).get(url).status_code == 404


def test_the_inflow_side_records_its_opinion_through_the_form(checked_in, station, login):
    url = reverse("education:inflow_opinion", args=[checked_in.pk, YEAR])
    client = login(station)
    assert client.get(url).status_code == 200
    response = client.post(url, {"opinion": "积极参加志愿服务", "suggested_grade": "excellent"})
    assert response.status_code == 302
    assert InflowOpinion.objects.get().opinion == "积极参加志愿服务"


def test_the_member_page_shows_the_latest_grades_and_the_buttons(
    checked_in, secretary, station, login
):
    grade(checked_in, secretary, Grade.QUALIFIED, year=YEAR - 1, graded_on=dt.date(YEAR, 1, 5))
    detail = reverse("members:detail", args=[checked_in.pk])
    home = text_of(login(secretary).get(detail))
    assert "民主评议" in home
    assert f"{YEAR - 1}年度 · <strong>合格</strong>" in home
    assert reverse("education:evaluate", args=[checked_in.pk, YEAR]) in home
    inflow = text_of(login(station).get(detail))
    assert reverse("education:inflow_opinion", args=[checked_in.pk, YEAR]) in inflow
    assert f'"{reverse("education:evaluate", args=[checked_in.pk, YEAR])}"' not in inflow


def cards(client: Any, member: Any) -> str:
    return text_of(client.get(reverse("members:five_cards", args=[member.pk])))


def test_the_five_cards_show_the_evaluation_and_its_handling(
    checked_in, tree, secretary, station, login
):
    """The democratic evaluation card (民主评议卡) shows the year's self and mutual assessment,
    the vote, the grade and the inflow opinion; a 不合格 grade's handling is a line of the
    education and handling card (教育处理卡)."""
    do_record_inflow_opinion(
        actor=station,
        member=checked_in,
        year=YEAR,
        opinion="未参加流入地组织生活",
        suggested_grade="unqualified",
    )
    grade(
        checked_in,
        secretary,
        Grade.UNQUALIFIED,
        mutual_assessment="党员们认为其长期不参加组织生活",
        votes_excellent=0,
        votes_qualified=1,
        votes_basic=2,
        votes_unqualified=9,
        handling_kind=HandlingKind.CRITICISM,
        measures="支部书记谈心谈话，提出批评",
    )
    content = cards(login(secretary), checked_in)
    evaluation = content.split('id="card-3"')[1].split("</section>")[0]
    assert f"{YEAR}年度民主评议" in evaluation
    assert "认真学习，积极参加组织生活。" in evaluation
    assert "党员们认为其长期不参加组织生活" in evaluation
    assert "0 / 1 / 2 / 9" in evaluation
    assert "<strong>不合格</strong>" in evaluation
    assert "未参加流入地组织生活" in evaluation
    assert "暂无" not in evaluation
    handling = content.split('id="card-5"')[1].split("</section>")[0]
    assert "批评教育" in handling
    assert f"{YEAR}年度民主评议不合格" in handling
    assert "支部书记谈心谈话，提出批评" in handling


def test_the_evaluation_card_shows_the_latest_years(members, secretary, login):
    member = members["a1"]
    for year in range(YEAR - 5, YEAR + 1):
        grade(
            member,
            secretary,
            year=year,
            graded_on=dt.date(year + 1, 1, 5) if year < YEAR else GRADED_ON,
        )
    content = cards(login(secretary), member)
    evaluation = content.split('id="card-3"')[1].split("</section>")[0]
    assert evaluation.count("年度民主评议") == 4
    assert f"{YEAR - 4}年度" not in evaluation
    assert "更早年度未显示" in evaluation
