"""Where suggestions and open transfers show: the suggestions page, the member's page and the
member list's "in transfer" flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.builders import away
from tests.factories import MemberFactory, OrganizationFactory
from transfers.actions import do_start_transfer

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = timezone.localdate()


#: Settled: working six months and more for one employer there (with a party organization).
SETTLED = {
    "employer": "宁波某某电子有限公司",
    "employer_has_party_org": True,
    "occupation": "non_public",
}


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def test_the_suggestions_page_lists_who_should_move_and_nobody_else(
    tree, members, secretary, secretary2, login
):
    recent = MemberFactory.create(home_org=tree.a1)
    away(members["a1"], actor=secretary, out_date=ago(200), **SETTLED)
    away(recent, actor=secretary, out_date=ago(30), **SETTLED)  # not six months yet
    url = reverse("transfers:suggestions")
    page = login(secretary).get(url).content.decode()
    assert f'data-member="{members["a1"].pk}"' in page
    assert f'data-member="{recent.pk}"' not in page
    # Another township's secretary does not see A1's member.
    assert f'data-member="{members["a1"].pk}"' not in login(secretary2).get(url).content.decode()


def test_the_page_names_the_place_s_organization_when_the_employer_has_none(
    tree, members, secretary, login
):
    """Issue 9, item 8 (article 25): six months at a fixed place without a party organization
    at the employer is listed too, naming the place's community organization where one is
    known, else saying which kind of organization to transfer to."""
    community = OrganizationFactory.create(
        parent=tree.town_b, name="幸福社区党支部", kind="branch", sector="community",
        address="广东省深圳市宝安区新安街道幸福社区",
    )  # fmt: skip
    unknown = MemberFactory.create(home_org=tree.a1)
    no_org = {"employer": "宝安某小作坊", "employer_has_party_org": False, "occupation": "migrant"}
    place = {"destination_province": "广东省", "destination_city": "深圳市",
             "destination_county": "宝安区"}  # fmt: skip
    away(members["a1"], actor=secretary, out_date=ago(200),
         destination_address="新安街道幸福社区8栋", **place, **no_org)  # fmt: skip
    away(unknown, actor=secretary, out_date=ago(200), **place, **no_org)
    page = login(secretary).get(reverse("transfers:suggestions")).content.decode()
    assert page.count('data-reason="fixed_place"') == 2
    assert f'<span class="suggested-org">{community.name}</span>' in page
    assert "宝安区的社区、园区或人才交流中心党组织" in page


def test_a_started_transfer_takes_the_member_off_the_suggestions(tree, members, secretary, login):
    away(members["a1"], actor=secretary, out_date=ago(200), **SETTLED)
    do_start_transfer(
        actor=secretary,
        member=members["a1"],
        to_org=tree.b1,
        reason="work",
        dues_paid_until=TODAY.replace(day=1),
    )
    page = login(secretary).get(reverse("transfers:suggestions")).content.decode()
    assert f'data-member="{members["a1"].pk}"' not in page


@pytest.mark.parametrize("rows", [1, 12])
def test_the_suggestions_page_costs_the_same_for_more_rows(
    tree, secretary, login, django_assert_num_queries, rows
):
    for _ in range(rows):
        away(MemberFactory.create(home_org=tree.a1), actor=secretary, out_date=ago(200), **SETTLED)
    client = login(secretary)
    with django_assert_num_queries(6):
        response = client.get(reverse("transfers:suggestions"))
    assert response.status_code == 200
    assert response.content.decode().count("data-member=") == rows


def test_the_member_page_says_should_be_transferred_then_in_transfer(
    tree, members, secretary, login
):
    member = members["a1"]
    away(member, actor=secretary, out_date=ago(200), **SETTLED)
    url = reverse("members:detail", args=[member.pk])
    page = login(secretary).get(url).content.decode()
    assert 'data-suggestion="fixed_employer"' in page
    assert "data-transfer=" not in page
    transfer = do_start_transfer(
        actor=secretary, member=member, to_org=tree.b1, reason="work", dues_paid_until=TODAY
    )
    page = login(secretary).get(url).content.decode()
    assert f'data-transfer="{transfer.pk}"' in page
    assert "data-suggestion=" not in page
    assert reverse("transfers:start", args=[member.pk]) not in page


def test_the_register_flags_members_in_transfer(tree, members, secretary, login):
    do_start_transfer(
        actor=secretary,
        member=members["a1"],
        to_org=tree.b1,
        reason="work",
        dues_paid_until=TODAY,
    )
    response = login(secretary).get(reverse("members:list"))
    flagged = [
        line["pk"]
        for line in response.context["lines"]
        if "in_transfer" in {flag.name for flag in line["flags"]}
    ]
    assert flagged == [members["a1"].pk]
