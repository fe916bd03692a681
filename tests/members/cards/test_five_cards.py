"""The five cards (五卡) of a member on one printable page: what each card shows, who may print
them, and what they cost."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from members.builders import away, check_in, check_in_outside
from members.cards.views import CONTACTS_SHOWN, EPISODES_SHOWN, REPORTS_SHOWN, SHEETS
from members.mobility.actions import (
    do_end_episode,
    do_record_contact,
    do_record_report,
    do_update_episode,
)
from members.models import EpisodeStatus, Member, OutsideConfirmation
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _in_english(client: Any, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def login(login, settings):
    """The pages in English (the language switch's cookie), so texts match their source."""
    return lambda user: _in_english(login(user), settings)


def cards_url(member: Member) -> str:
    return reverse("members:five_cards", args=[member.pk])


def long_record(
    *,
    member: Member,
    home: Any,
    inflow: Any,
    inflow_org: Any,
    episodes: int = 3,
    contacts: int = 30,
    reports: int = 10,
    updates: int = 8,
    longest: bool = True,
    outside: bool = False,
) -> Member:
    """Give `member` a long history: `episodes` absences (the last one still open, checked in
    at `inflow_org`, with `updates` changes while away, or with `outside` at an organization
    outside the system), `contacts` contacts and `reports` reports, every text as long as its
    field allows when `longest` (the worst case for fitting the sheets)."""

    def text(length: int, short: str) -> str:
        return "流" * length if longest else short

    today = dt.date.today()
    first_year = today.year - episodes
    for n in range(episodes):
        year = first_year + n
        episode = away(
            member,
            actor=home,
            out_date=dt.date(year, 3, 1),
            destination_province=text(30, "浙江省"),
            destination_city=text(30, "杭州市"),
            destination_county=text(30, f"乙县{n}"),
            destination_address=text(200, "某街道"),
            employer=text(200, "某公司"),
            occupation="non_public",
            reason=text(200, "务工"),
            expected_return=dt.date(year, 12, 1),
            contact_person=home,
        )
        if outside:
            check_in_outside(
                episode,
                actor=home,
                on=dt.date(year, 3, 5),
                organization=text(200, "系统外某党组织"),
                address=text(200, "某地"),
                contact_name=text(50, "李书记"),
                confirmed_by=OutsideConfirmation.CERTIFICATE_PHOTO,
            )
        else:
            check_in(member, actor=inflow, at=inflow_org, on=dt.date(year, 3, 5))
        if n < episodes - 1:
            do_end_episode(
                actor=home,
                episode=episode,
                status=EpisodeStatus.RETURNED,
                ended_on=dt.date(year, 11, 1),
            )
    # Changes while away on the open absence (issue 9, item 4), each as long as it can be.
    for n in range(updates):
        do_update_episode(
            actor=home,
            episode=episode,
            changed_on=dt.date(first_year + episodes - 1, 3, 6) + dt.timedelta(days=n),
            employer=text(199, "某公司") + str(n),
            note=text(200, "电话告知"),
        )
    for n in range(contacts):
        do_record_contact(
            actor=home,
            member=member,
            contacted_on=today - dt.timedelta(days=n),
            channel="via_inflow",
            summary=text(500, f"第{n + 1}次联系"),
        )
    for n in range(reports):
        do_record_report(
            actor=home,
            member=member,
            reported_on=today - dt.timedelta(days=30 * n),
            channel="via_inflow",
            summary=text(1000, f"第{n + 1}次汇报"),
        )
    return member


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_five_sheets_in_order_with_the_masked_id_number(members, secretary, login):
    member = members["a1"]
    response = login(secretary).get(cards_url(member))
    assert response.status_code == 200
    assert response.templates[0].name == "print/five_cards.html"
    content = response.content.decode()
    assert content.count('class="sheet fc-sheet"') == SHEETS
    titles = re.findall(r'<h1 class="doc-title" id="card-(\d)">([^<]+)</h1>', content)
    assert titles == [
        ("1", "Mobility information card"),
        ("2", "Pairing card"),
        ("3", "Democratic evaluation card"),
        ("4", "Mobile party member basic information card"),
        ("5", "Education and handling card"),
    ]
    # The ID-card number only masked: the full one is revealed (and audited) on the member page.
    assert member.masked_id_number in content
    assert member.id_number not in content
    # Back to the member's page, and the member page links here.
    assert reverse("members:detail", args=[member.pk]) in content
    detail = login(secretary).get(reverse("members:detail", args=[member.pk]))
    assert cards_url(member) in detail.content.decode()


def test_the_evaluation_and_handling_cards_say_none_yet(members, secretary, login):
    content = login(secretary).get(cards_url(members["a1"])).content.decode()
    for number in ("3", "5"):
        sheet = content.split(f'id="card-{number}"')[1].split("</section>")[0]
        assert "None yet." in sheet


def test_a_member_without_absences_or_contacts(members, secretary, login):
    content = text_of(login(secretary).get(cards_url(members["a1"])))
    assert "No outflow has been registered." in content
    pairing = content.split('id="card-2"')[1].split("</section>")[0]
    assert pairing.count("None yet.") == 2  # no contacts, no reports
    assert "not shown" not in content


def test_the_basic_card_holds_the_register_items(tree, secretary, login):
    member = MemberFactory.create(
        name="赵信息",
        home_org=tree.a1,
        job="电工",
        phone="13800138000",
        home_address="甲县甲镇一村",
        mobile_destination="浙江省乙县",
        is_mobile=True,
        lost_contact=True,
        lost_contact_since=dt.date(2026, 5, 4),
    )
    content = text_of(login(secretary).get(cards_url(member)))
    basic = content.split('id="card-4"')[1].split("</section>")[0]
    for label, value in [
        ("Name", "赵信息"),
        ("Gender", member.get_gender_display()),
        ("Ethnicity", member.get_ethnicity_display()),
        ("ID number", member.masked_id_number),
        ("Birth date", member.birth_date.isoformat()),
        ("Education", member.get_education_display()),
        ("Personnel category", member.get_personnel_category_display()),
        ("Branch", tree.a1.name),
        ("Joined the party", member.joined_on.isoformat()),
        ("Job", "电工"),
        ("Phone", "13800138000"),
        ("Home address", "甲县甲镇一村"),
        ("Party standing", member.get_standing_display()),
        ("Lost contact", "Yes, since 2026-05-04"),
        ("Mobile member", "Yes"),
        ("Destination", "浙江省乙县"),
    ]:
        assert re.search(rf"<th>{re.escape(label)}</th>\s*<td[^>]*>{re.escape(value)}", basic), (
            label
        )


def test_the_mobility_and_pairing_cards_show_the_latest_entries(
    tree, members, secretary, town, login
):
    member = long_record(
        member=members["a1"],
        home=secretary,
        inflow=town,
        inflow_org=tree.a2,
        episodes=EPISODES_SHOWN + 1,
        contacts=CONTACTS_SHOWN + 5,
        reports=REPORTS_SHOWN + 2,
        longest=False,
    )
    response = login(secretary).get(cards_url(member))
    content = text_of(response)
    mobility = content.split('id="card-1"')[1].split("</section>")[0]
    # The latest absences, newest first; the oldest is counted, not shown.
    years = [e.out_date.year for e in response.context["episodes"]]
    assert years == sorted(years, reverse=True)
    assert len(years) == EPISODES_SHOWN
    assert mobility.count('class="form fc-episode"') == EPISODES_SHOWN
    assert "1 earlier absence is not shown." in mobility
    assert "浙江省杭州市乙县3 某街道" in mobility  # the newest
    assert "浙江省杭州市乙县0" not in mobility  # the oldest
    assert "Checked in" in mobility
    assert "Returned" in mobility
    assert tree.a2.name in mobility
    pairing = content.split('id="card-2"')[1].split("</section>")[0]
    assert str(secretary) in pairing  # the designated contact
    assert pairing.count("次联系") == CONTACTS_SHOWN
    assert "第1次联系" in pairing
    assert f"第{CONTACTS_SHOWN + 1}次联系" not in pairing
    assert "5 earlier entries are not shown." in pairing
    assert pairing.count("次汇报") == REPORTS_SHOWN
    assert "2 earlier entries are not shown." in pairing
    assert "Through the inflow organization" in pairing


def test_long_texts_are_cut(tree, members, secretary, town, login):
    member = long_record(
        member=members["a1"], home=secretary, inflow=town, inflow_org=tree.a2, episodes=1,
        contacts=1, reports=1,
    )  # fmt: skip
    content = text_of(login(secretary).get(cards_url(member)))
    logs = content.split('id="card-1"')[1].split('id="card-3"')[0]
    assert "流" * 65 not in logs
    assert "流" * 63 + "…" in logs  # the destination and the reason, cut to two lines
    assert "流" * 59 + "…" in logs  # a report, likewise
    assert "流" * 29 + "…</td>" in logs  # a contact's summary, to one line


#: Session, user, roles, the organizations in view scope and the members shared with them, the
#: member (with its branch and the totals of its logs), its latest episodes (with their
#: organizations and contact), the changes and moves while away (with who recorded them; issue 9,
#: item 4), contacts (with who recorded them), reports (with who received them), standing
#: decisions, failed yearly checks with their handling (Issue 9, item 7), and what the education
#: app adds (members.pages.five_cards; issue 10, item 5): the democratic evaluations with their
#: inflow opinions (one query) and the handling notes of 不合格 grades (one query).
# + the audit entry of the print, written by an action: in a test its transaction is a savepoint
# inside the test's (SAVEPOINT and RELEASE count as two queries; in production it is none).
# Issue 12 added 1 (17 → 18): the education and handling card's lines the oversight app adds
# (oversight/handling/panels.py, one query).
CARDS_QUERIES = 18


def test_the_cards_cost_the_same_however_long_the_history(
    tree, members, secretary, town, login, django_assert_num_queries
):
    member = members["a1"]
    client = login(secretary)
    long_record(
        member=member, home=secretary, inflow=town, inflow_org=tree.a2, episodes=1, contacts=1,
        reports=1, longest=False,
    )  # fmt: skip
    with django_assert_num_queries(CARDS_QUERIES):
        client.get(cards_url(member))
    other = MemberFactory.create(home_org=tree.a1)
    long_record(member=other, home=secretary, inflow=town, inflow_org=tree.a2, longest=False)
    with django_assert_num_queries(CARDS_QUERIES):
        response = client.get(cards_url(other))
    assert len(response.context["contacts"]) == CONTACTS_SHOWN


def test_the_inflow_side_prints_the_cards_of_a_member_shared_with_it(
    members, station, secretary2, login
):
    shared = members["shared"]
    assert login(station).get(cards_url(shared)).status_code == 200
    assert login(secretary2).get(cards_url(shared)).status_code == 404


@pytest.mark.django_db
def test_printing_the_cards_is_audited(members, secretary, login):
    from core.models import AuditEntry

    login(secretary).get(reverse("members:five_cards", args=[members["a1"].pk]))
    entry = AuditEntry.objects.get(event="member.cards_printed")
    assert entry.actor == secretary
    assert entry.object_pk == str(members["a1"].pk)
