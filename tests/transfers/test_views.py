"""The transfer pages: each step through the web, the forms' refusals, the letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from members.models import Member
from transfers.actions import (
    do_approve_transfer,
    do_expire_letters,
    do_issue_letter,
    do_receive_transfer,
    do_start_transfer,
)
from transfers.builders import transfer_in
from transfers.models import Transfer, TransferEvent, TransferStatus
from transfers.steps import STEPS, available_steps
from transfers.templatetags.chinese_capitals import capital_year_month

TODAY = timezone.localdate()
DUES = TODAY.replace(day=1)
REASON = "moved for work"

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in their English source text: the pages are asked for in English
    (the language switch's cookie), the actions called here run in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def start(actor, member, to_org=None, **extra):
    fields = {"reason": REASON, "dues_paid_until": DUES, **extra}
    if to_org is not None:
        fields["to_org"] = to_org
    return do_start_transfer(actor=actor, member=member, **fields)


def fresh(transfer):
    return Transfer.objects.get(pk=transfer.pk)


def url(name, transfer):
    return reverse(f"transfers:{name}", args=[transfer.pk])


# --- starting ------------------------------------------------------------------------------


def start_data(to_org="", **extra):
    return {
        "to_org": to_org,
        "to_name": "",
        "addressee": "",
        "reason": "外出务工",
        "dues_paid_until": DUES.strftime("%Y-%m"),
        "valid_days": "30",
        "member_phone": "",
        **extra,
    }


def test_start_from_the_member_page(tree, members, secretary, login):
    client = login(secretary)
    member = members["a1"]
    page = client.get(reverse("members:detail", args=[member.pk]))
    assert reverse("transfers:start", args=[member.pk]) in page.content.decode()
    response = client.post(
        reverse("transfers:start", args=[member.pk]), start_data(tree.b1.pk, valid_days="45")
    )
    transfer = Transfer.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == url("detail", transfer)
    assert transfer.status == TransferStatus.DRAFT
    assert transfer.to_org == tree.b1
    assert transfer.valid_days == 45
    assert transfer.dues_paid_until == DUES
    assert transfer.member_phone == member.phone
    assert transfer.created_by == secretary


def test_the_start_link_is_only_for_who_may_change_the_member(members, inspector, login):
    page = login(inspector).get(reverse("members:detail", args=[members["a1"].pk]))
    assert page.status_code == 200
    assert reverse("transfers:start", args=[members["a1"].pk]) not in page.content.decode()


def test_start_out_of_the_system(members, secretary, login):
    response = login(secretary).post(
        reverse("transfers:start", args=[members["a1"].pk]),
        start_data(to_name="浙江省某县委组织部"),
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=members["a1"])
    assert transfer.to_org is None
    assert transfer.to_name == "浙江省某县委组织部"
    assert transfer.addressee == "浙江省某县委组织部"


def test_start_needs_a_destination_and_refuses_both(tree, members, secretary, login):
    client = login(secretary)
    target = reverse("transfers:start", args=[members["a1"].pk])
    response = client.post(target, start_data())
    assert response.status_code == 200
    assert "Choose the receiving organization or name it." in response.content.decode()
    response = client.post(target, start_data(tree.b1.pk, to_name="别处"))
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert not Transfer.objects.exists()


def test_valid_days_are_bounded(tree, members, secretary, login, settings):
    response = login(secretary).post(
        reverse("transfers:start", args=[members["a1"].pk]),
        start_data(tree.b1.pk, valid_days=str(settings.TRANSFER_VALID_DAYS_MAX + 1)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["valid_days"]
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "town_a", "a1_inactive"])
def test_a_forged_receiving_organization_is_404_and_nothing_saved(
    tree, members, secretary, login, forged
):
    if forged == "town_a":
        value = str(tree.town_a.pk)  # a committee: not a branch
    elif forged == "a1_inactive":
        tree.a2.is_active = False
        tree.a2.save()
        value = str(tree.a2.pk)
    else:
        value = forged
    response = login(secretary).post(
        reverse("transfers:start", args=[members["a1"].pk]), start_data(value)
    )
    assert response.status_code == 404
    assert not Transfer.objects.exists()


def test_a_second_open_transfer_is_refused_on_the_form(tree, members, secretary, login):
    start(secretary, members["a1"], tree.b1)
    response = login(secretary).post(
        reverse("transfers:start", args=[members["a1"].pk]), start_data(tree.county_branch.pk)
    )
    assert response.status_code == 200
    assert "already has an open transfer to 乙一支部" in response.content.decode()
    assert Transfer.objects.count() == 1


def test_the_picker_reaches_organizations_outside_the_scope(tree, secretary, login):
    client = login(secretary)
    options = client.get(reverse("transfers:org_options"), {"q": "乙"}).content.decode()
    assert f'value="{tree.b1.pk}"' in options
    # Issue 9, item 10: a station holds no relationships (unless the setting says so).
    assert f'value="{tree.bs.pk}"' not in options
    assert f'value="{tree.a1.pk}"' not in options
    assert f'value="{tree.town_b.pk}"' not in options  # committees hold none


def test_the_picker_shows_at_most_fifty(tree, secretary, login):
    from tests.factories import OrganizationFactory

    for n in range(55):
        OrganizationFactory.create(parent=tree.town_b, name=f"乙镇村支部{n:02d}", kind="branch")
    client = login(secretary)
    options = client.get(reverse("transfers:org_options"), {"q": "村支部"}).content.decode()
    assert options.count('<option value="') == 51  # the empty choice and fifty


def test_batch_start_from_the_member_list(tree, members, secretary, login):
    from tests.factories import MemberFactory

    second = MemberFactory.create(name="王甲一二", home_org=tree.a1)
    client = login(secretary)
    listing = client.get(reverse("members:list"), {"org": tree.a1.pk}).content.decode()
    assert f"{reverse('transfers:start_batch')}?org={tree.a1.pk}" in listing
    target = f"{reverse('transfers:start_batch')}?org={tree.a1.pk}"
    page = client.get(target)
    assert page.status_code == 200
    assert set(page.context["form"].fields["members"].queryset) == {members["a1"], second}
    data = start_data(tree.b1.pk)
    data.pop("member_phone")
    data["members"] = [members["a1"].pk, second.pk]
    response = client.post(target, data)
    assert response.status_code == 302
    transfers = Transfer.objects.filter(member__in=[members["a1"], second])
    assert transfers.count() == 2
    assert len({t.batch for t in transfers}) == 1
    assert {t.member_phone for t in transfers} == {members["a1"].phone, second.phone}


def test_batch_start_is_all_or_nothing_with_the_reasons(tree, members, secretary, login):
    from tests.factories import MemberFactory

    second = MemberFactory.create(name="王甲一二", home_org=tree.a1)
    start(secretary, second, tree.county_branch)
    data = start_data(tree.b1.pk)
    data["members"] = [members["a1"].pk, second.pk]
    response = login(secretary).post(f"{reverse('transfers:start_batch')}?org={tree.a1.pk}", data)
    assert response.status_code == 200
    assert "王甲一二: 王甲一二 already has an open transfer" in response.content.decode()
    assert not Transfer.objects.filter(member=members["a1"]).exists()


def test_batch_start_with_a_forged_member_is_404(tree, members, secretary, login):
    data = start_data(tree.b1.pk)
    data["members"] = [members["a1"].pk, members["b1"].pk]  # b1's member is not A1's
    response = login(secretary).post(f"{reverse('transfers:start_batch')}?org={tree.a1.pk}", data)
    assert response.status_code == 404
    assert not Transfer.objects.exists()


# --- each step through the web -------------------------------------------------------------


def test_submit(tree, members, secretary, login):
    transfer = start(secretary, members["a1"], tree.b1)
    response = login(secretary).post(url("submit", transfer))
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.SUBMITTED


def test_approve_and_issue_now(tree, members, secretary, town, login):
    transfer = transfer_in(
        TransferStatus.SUBMITTED, member=members["a1"], to=tree.b1, actor=secretary, reason=REASON
    )
    response = login(town).post(
        url("approve", transfer), {"issue_now": "on", "issue_on": TODAY.isoformat(), "note": "同意"}
    )
    assert response.status_code == 302
    transfer = fresh(transfer)
    assert transfer.status == TransferStatus.ISSUED
    assert transfer.number
    assert TransferEvent.objects.filter(
        transfer=transfer, to_status=TransferStatus.APPROVED, note="同意"
    )


def test_approve_without_issuing(tree, members, secretary, town, login):
    transfer = transfer_in(
        TransferStatus.SUBMITTED, member=members["a1"], to=tree.b1, actor=secretary, reason=REASON
    )
    response = login(town).post(url("approve", transfer), {"issue_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.APPROVED
    assert fresh(transfer).number is None


def test_reject(tree, members, secretary, town, login):
    transfer = transfer_in(
        TransferStatus.SUBMITTED, member=members["a1"], to=tree.b1, actor=secretary, reason=REASON
    )
    client = login(town)
    response = client.post(url("reject", transfer), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url("reject", transfer), {"reason": "材料不全"})
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.REJECTED
    assert fresh(transfer).reject_reason == "材料不全"


def test_issue(tree, members, secretary, town, login):
    transfer = start(secretary, members["a1"], tree.b1)
    response = login(town).post(url("issue", transfer), {"issued_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.ISSUED


def test_issue_in_the_future_is_shown_on_the_field(tree, members, secretary, town, login):
    transfer = start(secretary, members["a1"], tree.b1)
    tomorrow = TODAY + dt.timedelta(days=1)
    response = login(town).post(url("issue", transfer), {"issued_on": tomorrow.isoformat()})
    assert response.status_code == 200
    # Issue 9, item 15: the form's date rule refuses it before the action's own check.
    assert "in the future" in str(response.context["form"].errors["issued_on"])
    assert fresh(transfer).status == TransferStatus.DRAFT


def test_withdraw(tree, members, secretary, login):
    transfer = start(secretary, members["a1"], tree.b1)
    response = login(secretary).post(url("withdraw", transfer), {"reason": "不走了"})
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.WITHDRAWN


def test_receive(tree, members, secretary, town, secretary2, login):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    response = login(secretary2).post(url("receive", transfer), {"received_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.RECEIVED
    assert Member.objects.get(pk=members["a1"].pk).home_org == tree.b1


def test_a_receive_that_lost_the_race_is_shown_plainly(
    tree, members, secretary, town, secretary2, login
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    response = login(secretary2).post(url("receive", transfer), {"received_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "was already received" in response.content.decode()


def test_return_receipt(tree, members, secretary, town, secretary2, county, login):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    do_receive_transfer(actor=secretary2, transfer=transfer, received_on=TODAY)
    post = {"returned_on": TODAY.isoformat(), "handler": "李四", "phone": "0571-1234"}
    # The receiving basic-level committee returns the receipt, not the branch (issue 9, 6).
    assert login(secretary2).post(url("return_receipt", transfer), post).status_code == 403
    response = login(county).post(url("return_receipt", transfer), post)
    assert response.status_code == 302
    transfer = fresh(transfer)
    assert transfer.status == TransferStatus.RECEIPT_RETURNED
    assert transfer.receipt_handler == "李四"


def test_record_receipt_out_of_the_system(tree, members, secretary, town, login):
    transfer = start(secretary, members["a1"], to_name="外省某党委")
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY)
    response = login(secretary).post(
        url("record_receipt", transfer),
        {
            "received_on": TODAY.isoformat(),
            "returned_on": TODAY.isoformat(),
            "handler": "王五",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert fresh(transfer).status == TransferStatus.RECEIPT_RETURNED
    assert Member.objects.get(pk=members["a1"].pk).is_archived


def test_reissue_an_expired_letter(tree, members, secretary, town, login):
    old_day = TODAY - dt.timedelta(days=40)
    transfer = start(secretary, members["a1"], tree.b1)
    do_issue_letter(actor=town, transfer=transfer, issued_on=old_day)
    do_expire_letters(actor=None)
    assert fresh(transfer).status == TransferStatus.EXPIRED
    response = login(town).post(
        url("reissue", transfer),
        {"issued_on": TODAY.isoformat(), "valid_days": "60", "to_org": tree.county_branch.pk},
    )
    assert response.status_code == 302
    new = Transfer.objects.get(reissue_of=transfer)
    assert response["Location"] == url("detail", new)
    assert fresh(transfer).status == TransferStatus.REISSUED
    assert new.status == TransferStatus.ISSUED
    assert new.valid_days == 60
    assert new.to_org == tree.county_branch
    assert new.number != transfer.number


def test_reissue_with_a_forged_organization_is_404(tree, members, secretary, town, login):
    transfer = start(secretary, members["a1"], tree.b1)
    do_issue_letter(actor=town, transfer=transfer, issued_on=TODAY - dt.timedelta(days=40))
    do_expire_letters(actor=None)
    response = login(town).post(
        url("reissue", transfer),
        {"issued_on": TODAY.isoformat(), "valid_days": "30", "to_org": tree.town_b.pk},
    )
    assert response.status_code == 404
    assert fresh(transfer).status == TransferStatus.EXPIRED
    assert not Transfer.objects.filter(reissue_of=transfer).exists()


# --- who sees which buttons ------------------------------------------------------------------


def test_the_page_offers_only_the_steps_the_user_may_take(
    tree, members, secretary, town, secretary2, login
):
    transfer = transfer_in(
        TransferStatus.SUBMITTED, member=members["a1"], to=tree.b1, actor=secretary, reason=REASON
    )
    assert {s.name for s in available_steps(secretary, transfer)} == {"withdraw"}
    assert {s.name for s in available_steps(town, transfer)} == {
        "approve",
        "reject",
        "withdraw",
    }
    page = login(town).get(url("detail", transfer)).content.decode()
    assert url("approve", transfer) in page
    assert url("receive", transfer) not in page
    transfer = do_approve_transfer(actor=town, transfer=transfer, issue_on=TODAY)
    assert {s.name for s in available_steps(secretary2, transfer)} == {"receive", "reject"}
    page = login(secretary2).get(url("detail", transfer)).content.decode()
    assert url("receive", transfer) in page
    assert url("withdraw", transfer) not in page
    assert url("letter", transfer) not in page


def test_a_step_the_user_may_not_take_is_403_and_changes_nothing(
    tree, members, secretary, town, login
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    response = login(secretary).post(url("receive", transfer), {"received_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert fresh(transfer).status == TransferStatus.ISSUED


def test_a_step_not_possible_now_says_so(tree, members, secretary, town, login):
    transfer = start(secretary, members["a1"], tree.b1)
    response = login(town).get(url("approve", transfer))
    assert response.status_code == 200
    assert not response.context["step_open"]
    assert "this step is not possible now" in response.content.decode()
    response = login(town).post(url("approve", transfer), {"issue_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "cannot become Approved" in response.content.decode()
    assert fresh(transfer).status == TransferStatus.DRAFT


def test_the_timeline(tree, members, secretary, town, login):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    page = login(secretary).get(url("detail", transfer))
    events = page.context["events"]
    assert [e.to_status for e in events] == [
        TransferStatus.DRAFT,
        TransferStatus.SUBMITTED,
        TransferStatus.APPROVED,
        TransferStatus.ISSUED,
    ]
    assert events[-1].actor == town
    assert transfer.number in page.content.decode()


def test_every_step_has_a_url():
    for name in STEPS:
        assert reverse(f"transfers:{name}", args=[1])


# --- the letter ------------------------------------------------------------------------------


def test_the_letter_has_its_three_parts_and_records_the_print(
    tree, members, secretary, town, login
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
        valid_days=30,
    )
    member = members["a1"]
    before = AuditEntry.objects.filter(
        event="transfer.letter_printed", object_pk=str(member.pk)
    ).count()
    response = login(secretary).get(url("letter", transfer))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="cut-line"') == 2
    assert html.count(f'tl-number">{transfer.number}<') == 3  # stub, letter, receipt
    assert member.id_number in html
    assert "叁拾" in html
    assert capital_year_month(DUES) in html
    assert "has reached us" in html
    after = AuditEntry.objects.filter(
        event="transfer.letter_printed", object_pk=str(member.pk)
    ).count()
    assert after == before + 1


def test_no_letter_before_it_is_issued(tree, members, secretary, login):
    transfer = start(secretary, members["a1"], tree.b1)
    assert login(secretary).get(url("letter", transfer)).status_code == 404


def test_the_receiving_side_does_not_print_the_letter(
    tree, members, secretary, town, secretary2, login
):
    transfer = transfer_in(
        TransferStatus.ISSUED,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        reason=REASON,
    )
    assert login(secretary2).get(url("letter", transfer)).status_code == 403


def test_the_letter_is_never_cached(tree, members, secretary, town, login):
    """Issue 9, item 19: the letter shows the full ID-card number, so it is sent with
    `Cache-Control: no-store` (no copy in the browser's or a proxy's cache)."""
    transfer = transfer_in(
        TransferStatus.ISSUED, member=members["a1"], to=tree.b1, actor=secretary, approver=town
    )
    response = login(secretary).get(url("letter", transfer))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("state", "sender_prints"),
    [
        (TransferStatus.ISSUED, True),
        (TransferStatus.RECEIVED, True),
        (TransferStatus.RECEIPT_RETURNED, False),
    ],
)
def test_the_sending_branch_loses_the_letter_once_the_receipt_is_back(
    tree, members, secretary, town, county, secretary2, login, state, sender_prints
):
    """Issue 9, item 19: the sending branch's access to the letter (it shows the full ID-card
    number) ends once the member is received and the receipt is back; the committees (the
    issuing township and the county above it) keep it."""
    transfer = transfer_in(
        state,
        member=members["a1"],
        to=tree.b1,
        actor=secretary,
        approver=town,
        receiver=secretary2,
        returner=county,
    )
    expected = 200 if sender_prints else 403
    assert login(secretary).get(url("letter", transfer)).status_code == expected
    detail = login(secretary).get(url("detail", transfer))
    assert detail.status_code == 200
    assert detail.context["can_print"] is sender_prints
    assert login(town).get(url("letter", transfer)).status_code == 200
    assert login(county).get(url("letter", transfer)).status_code == 200
