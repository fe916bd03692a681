"""The transfer letter's "dues paid up to" (党费交至) from the dues records (issue 11, item 3):
read-only on the start page for a member with records, refreshed when the letter is issued,
printed in Chinese capitals; typed for a member without records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.builders import pay_dues, set_dues_standard
from members.models import Member
from members.models.dues import add_months
from tests.factories import MemberFactory
from transfers.actions import do_issue_letter, do_start_transfer
from transfers.models import Transfer
from transfers.templatetags.chinese_capitals import capital_year_month

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def paid_for(member: Member, actor, months: int) -> dt.date:
    """`member` on a standard from January of last year (or the month they joined), `months`
    months paid from then on (the 2008 dues rules: paid monthly, or several months at once):
    the month their dues are paid up to."""
    first = set_dues_standard(member, actor=actor).effective_from
    pay_dues(member, actor=actor, first_month=first, months=months)
    return add_months(first, months - 1)


def start_data(to_org, **extra):
    return {
        "to_org": to_org,
        "to_name": "",
        "addressee": "",
        "reason": "外出务工",
        "dues_paid_until": THIS_MONTH.strftime("%Y-%m"),
        "valid_days": "30",
        "member_phone": "",
        **extra,
    }


def test_the_letter_prints_paid_up_to_from_the_records(tree, members, secretary, town, login):
    """Started through the page with this month typed (a forged or stale form): the records
    win, and the printed letter shows their month in capitals."""
    member = members["a1"]
    paid_until = paid_for(member, secretary, 3)
    assert paid_until < THIS_MONTH
    client = login(secretary)
    page = client.get(reverse("transfers:start", args=[member.pk])).content.decode()
    # Read-only on the page, with the records' month.
    assert 'name="dues_paid_until"' in page
    assert f'value="{paid_until:%Y-%m}"' in page
    assert "From the dues records" in page
    field = page.split('id="id_dues_paid_until"')[0].rsplit("<input", 1)[1]
    assert "disabled" in field
    response = client.post(reverse("transfers:start", args=[member.pk]), start_data(tree.b1.pk))
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=member)
    assert transfer.dues_paid_until == paid_until
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    html = client.get(reverse("transfers:letter", args=[transfer.pk])).content.decode()
    assert f'tl-dues">{capital_year_month(paid_until)}<' in html


def test_the_letter_says_how_far_dues_are_paid_when_it_is_issued(tree, members, secretary, town):
    """A payment between the draft and the issue: the letter has the later month."""
    member = members["a1"]
    paid_until = paid_for(member, secretary, 2)
    transfer = do_start_transfer(actor=secretary, member=member, to_org=tree.b1, reason="务工")
    assert transfer.dues_paid_until == paid_until
    pay_dues(member, actor=secretary, first_month=add_months(paid_until, 1), months=4)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    transfer.refresh_from_db()
    assert transfer.dues_paid_until == add_months(paid_until, 4)


def test_a_member_without_records_has_it_typed(tree, members, secretary, login):
    member = members["a1"]
    client = login(secretary)
    page = client.get(reverse("transfers:start", args=[member.pk])).content.decode()
    field = page.split('id="id_dues_paid_until"')[0].rsplit("<input", 1)[1]
    assert "disabled" not in field
    typed = add_months(THIS_MONTH, -2)
    response = client.post(
        reverse("transfers:start", args=[member.pk]),
        start_data(tree.b1.pk, dues_paid_until=typed.strftime("%Y-%m")),
    )
    assert response.status_code == 302
    assert Transfer.objects.get(member=member).dues_paid_until == typed
    # Not typed: refused, in words.
    other = MemberFactory.create(name="王无记", home_org=tree.a1)
    response = client.post(
        reverse("transfers:start", args=[other.pk]), start_data(tree.b1.pk, dues_paid_until="")
    )
    assert response.status_code == 200
    assert not Transfer.objects.filter(member=other).exists()
    with pytest.raises(ValidationError, match="no dues records"):
        do_start_transfer(actor=secretary, member=other, to_org=tree.b1, reason="务工")


def test_a_batch_takes_the_records_for_those_who_have_them(tree, members, secretary, login):
    """Graduates leaving together: each letter has its member's month from the records, the
    typed month for a member without records."""
    recorded = members["a1"]
    paid_until = paid_for(recorded, secretary, 5)
    typed = MemberFactory.create(name="王甲一二", home_org=tree.a1)
    data = start_data(tree.b1.pk)
    data.pop("member_phone")
    data["members"] = [recorded.pk, typed.pk]
    response = login(secretary).post(f"{reverse('transfers:start_batch')}?org={tree.a1.pk}", data)
    assert response.status_code == 302
    assert Transfer.objects.get(member=recorded).dues_paid_until == paid_until
    assert Transfer.objects.get(member=typed).dues_paid_until == THIS_MONTH
