"""What people do to an alert (issue 12, item 2): acknowledge, resolve, dismiss with a reason;
who may; what the nightly run does afterwards; the audit trail.

The system flags and never decides (issue 12, "Why"): a dismissed alert stays dismissed for its
period whatever the run finds; a resolved alert whose breach still holds opens again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEntry
from members.dues.actions import StandardInput, do_set_standard
from members.models import DuesCategory
from oversight.alerts.actions import do_acknowledge_alert, do_dismiss_alert, do_resolve_alert
from oversight.engine import run_rules
from oversight.models import Alert, AlertStatus
from tests.oversight.alerts.builders import world_alerts
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def alerts(tree, members) -> dict[str, Alert]:
    return world_alerts(tree, members)


def owe(member, actor) -> None:
    do_set_standard(
        member=member,
        effective_from=dt.date(2026, 5, 1),
        data=StandardInput(category=DuesCategory.SALARIED, base_income=Decimal("4000")),
        actor=actor,
    )


def url(name: str, alert: Alert) -> str:
    return reverse(f"oversight:alert_{name}", args=[alert.pk])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("secretary", 404),
        ("committee", 404),
        ("town", 302),  # the inflow member's home side (A2 is in township A)
        ("county", 302),
        ("secretary2", 404),
        ("station", 302),  # the responsible organization
        ("inspector", 403),
        ("superuser", 302),
    ],
)
def test_who_may_dismiss_the_inflow_sides_alert(request, alerts, login, persona, expected) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert_access(
        login(user),
        url("dismiss", alerts["shared"]),
        expected,
        method="post",
        data={"dismiss-reason": "已在外地参加组织生活"},
        who=persona,
    )
    status = Alert.objects.get(pk=alerts["shared"].pk).status
    assert status == (AlertStatus.DISMISSED if expected == 302 else AlertStatus.OPEN)


def test_a_get_does_nothing(alerts, login, secretary) -> None:
    response = login(secretary).get(url("acknowledge", alerts["a1"]))
    assert response.status_code == 405
    assert Alert.objects.get(pk=alerts["a1"].pk).status == AlertStatus.OPEN


def test_acknowledge_then_resolve_with_the_history_on_the_page(alerts, login, secretary) -> None:
    client = login(secretary)
    alert = alerts["a1"]
    assert client.post(url("acknowledge", alert)).status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, secretary)
    assert (
        client.post(url("resolve", alert), {"resolve-reason": "已谈话，补交党费"}).status_code
        == 302
    )
    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.close_reason) == (
        AlertStatus.RESOLVED,
        secretary,
        "已谈话，补交党费",
    )
    page = client.get(reverse("oversight:alert", args=[alert.pk])).content.decode()
    assert "已谈话，补交党费" in page
    assert "已解决" in page
    events = list(
        AuditEntry.objects.filter(object_pk=str(alert.pk), event__startswith="alert.")
        .order_by("pk")
        .values_list("event", "actor_id")
    )
    assert events == [("alert.acknowledged", secretary.pk), ("alert.resolved", secretary.pk)]


def test_dismissing_needs_a_reason(alerts, login, secretary) -> None:
    client = login(secretary)
    response = client.post(url("dismiss", alerts["a1"]), {"dismiss-reason": "  "}, follow=True)
    assert "请说明忽略该预警的理由" in response.content.decode() or "这个字段是必填项" in (
        response.content.decode()
    )
    assert Alert.objects.get(pk=alerts["a1"].pk).status == AlertStatus.OPEN
    with pytest.raises(ValidationError):
        do_dismiss_alert(alert=alerts["a1"], reason=" ", actor=secretary)


def test_a_closed_alert_cannot_be_acknowledged(alerts, login, county) -> None:
    client = login(county)
    response = client.post(url("acknowledge", alerts["dismissed"]), follow=True)
    assert response.status_code == 200
    assert Alert.objects.get(pk=alerts["dismissed"].pk).status == AlertStatus.DISMISSED
    assert "已忽略" in response.content.decode()


def test_the_actions_check_who_acts(alerts, inspector, secretary2) -> None:
    with pytest.raises(PermissionDenied):
        do_acknowledge_alert(alert=alerts["a1"], actor=inspector)
    with pytest.raises(PermissionDenied):
        do_resolve_alert(alert=alerts["a1"], actor=secretary2)


def test_a_dismissed_alert_stays_dismissed_after_a_rerun(members, secretary) -> None:
    """Party constitution, art. 9 (six months without dues) is the branch's to judge: a
    dismissal with a proper reason holds for the breach's period."""
    owe(members["a1"], secretary)
    run_rules(DAY, only=["dues_overdue"])
    alert = Alert.objects.get(rule="dues_overdue", member=members["a1"])
    do_dismiss_alert(alert=alert, reason="经批准减免，标准待更正", actor=secretary)
    run_rules(DAY, only=["dues_overdue"])
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED
    assert alert.close_reason == "经批准减免，标准待更正"
    assert Alert.objects.filter(rule="dues_overdue", member=members["a1"]).count() == 1


def test_a_resolved_alert_whose_breach_holds_reopens(members, secretary, login) -> None:
    owe(members["a1"], secretary)
    run_rules(DAY, only=["dues_overdue"])
    alert = Alert.objects.get(rule="dues_overdue", member=members["a1"])
    do_acknowledge_alert(alert=alert, actor=secretary)
    do_resolve_alert(alert=alert, reason="已催缴", actor=secretary)
    run_rules(DAY + dt.timedelta(days=1), only=["dues_overdue"])
    alert.refresh_from_db()
    assert (alert.status, alert.times_reopened, alert.closed_by) == (AlertStatus.OPEN, 1, None)
    page = login(secretary).get(reverse("oversight:alert", args=[alert.pk])).content.decode()
    assert "重新出现1次" in page
    assert f"欠缴{alert.detail['months_owed']}个月" in page


def test_the_inflow_side_sees_the_home_branchs_alert_but_does_not_act(
    alerts, login, station, town
) -> None:
    """The station sees A2's alert about the member checked in with it, but acting on it is
    A2's (and its committees'): a 403, nothing changed."""
    alert = alerts["a2_shared"]
    client = login(station)
    assert client.get(reverse("oversight:alert", args=[alert.pk])).status_code == 200
    assert client.post(url("acknowledge", alert)).status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN
    assert login(town).post(url("acknowledge", alert)).status_code == 302
