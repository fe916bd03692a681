"""Dues' panel on the member's page: "dues paid up to" (党费交至), the months and amount owed
(red from six months: the party constitution, art. 9), the last payment, the monthly standard,
and the links to the history, a payment and the standard for those who may.

Two queries: the member's dues state (`Member.objects.with_dues`, the one reading of the 2008
dues rules' records) and the standard in force. Whether the user may record a payment is known
without a query on the home side (its changers record at the home branch); an inflow
organization's user who may record the member's life asks `may_record_payment` (the checked-in
absence: one more query, for them only)."""

from __future__ import annotations

from django.utils import timezone

from core.panels import Panel, PanelContext
from members.dues.actions import may_record_payment
from members.dues.history.queries import owed_css
from members.models import DuesStandard, Member
from members.models.dues_state import DuesState
from members.pages import MemberPage


def dues(page: MemberPage) -> PanelContext:
    today = timezone.localdate()
    member = page.member
    with_dues = Member.objects.filter(pk=member.pk).only("id").with_dues(today).first()
    standard = (
        DuesStandard.objects.filter(member=member, effective_from__lte=today.replace(day=1))
        .order_by("-effective_from")
        .first()
    )
    dues_state = with_dues.dues if with_dues is not None else DuesState.from_json(None)
    can_pay = page.can_change or (page.can_record and may_record_payment(page.user, member))
    return {
        "dues": dues_state,
        "owed_css": owed_css(dues_state.months_owed),
        "standard": standard,
        "standard_amount": standard.amount_in(today.replace(day=1)) if standard else None,
        "can_pay": can_pay,
        "can_set_standard": page.can_change,
    }


PANELS: tuple[Panel[MemberPage], ...] = (
    Panel("dues", dues, {"sections": "members/dues/history/_panel.html"}, 70),
)
