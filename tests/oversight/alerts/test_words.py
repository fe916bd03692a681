"""The alerts' pages speak plain Chinese (issue 12): a rule's description shows the settings'
values, not their names; an alert's figures are phrases, not the rule's keys; its period is a
phrase, or hidden when it is only an id."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from oversight import rules
from oversight.alerts.words import day_counts, describe, period_phrase, rule_description
from tests.oversight.alerts.builders import make_alert

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")

LIFE = {"since": "2026-03-25", "months": 8, "last_life_on": "2026-03-25"}
MOBILE = {
    "name": "王甲一",
    "out_date": "2025-06-22",
    "days_silent_from": "2025-06-22",
    "destination_city": "",
    "last_contacted_on": None,
    "destination_county": "闵行区",
    "destination_province": "上海市",
}


def _block(html: str, marker: str) -> str:
    found = re.search(rf"<dd[^>]*{marker}[^>]*>(.*?)</dd>", html, re.S)
    assert found, marker
    return strip_tags(found.group(1)).strip()


def test_the_life_alerts_page_speaks_plain_chinese(login, secretary, tree, members) -> None:
    """Party constitution, article 38: six months without organizational life. The page names
    the months in force, not LIFE_ALERT_MONTHS, and the figures and period in words."""
    alert = make_alert(
        organization=tree.a1,
        member=members["a1"],
        rule="life_six_months",
        detail=LIFE,
        period="since:2026-03-25",
    )
    response = login(secretary).get(reverse("oversight:alert", args=[alert.pk]))
    html = response.content.decode()
    description = response.context["description"]
    assert description
    assert not SETTING_NAME.search(description)
    assert str(settings.LIFE_ALERT_MONTHS) in description
    figures = _block(html, "data-figures")
    assert "_" not in figures
    assert "last_life_on" not in html
    assert "8个月" in figures
    assert "2026-03-25" in figures
    assert _block(html, "data-period") == "自2026-03-25起"
    assert "since:" not in html


def test_the_mobility_alerts_page_speaks_plain_chinese(login, secretary, tree, members) -> None:
    alert = make_alert(
        organization=tree.a1,
        member=members["a1"],
        rule="mobile_contact_overdue",
        detail=MOBILE,
        period="2025-06-22",
    )
    response = login(secretary).get(reverse("oversight:alert", args=[alert.pk]))
    html = response.content.decode()
    assert not SETTING_NAME.search(response.context["description"])
    figures = _block(html, "data-figures")
    assert "_" not in figures
    assert "去向：上海市闵行区" in figures
    assert "外出后从未联系" in figures
    assert "王甲一" not in figures  # the member is named on the page already
    assert _block(html, "data-period") == "自2025-06-22起"


def test_an_id_period_is_hidden(login, secretary, tree, members) -> None:
    alert = make_alert(
        organization=tree.a1,
        member=members["a1"],
        rule="mobile_not_checked_in",
        detail={**MOBILE, "days_late": 3},
        period="4711",
    )
    response = login(secretary).get(reverse("oversight:alert", args=[alert.pk]))
    assert "data-period" not in response.content.decode()


def test_every_rules_description_names_no_setting() -> None:
    for code in rules.RULES:
        assert not SETTING_NAME.search(rule_description(code)), code


@override_settings(OVERSIGHT_WARNING_MONTHS=[2, 4])
def test_a_list_setting_is_joined() -> None:
    assert "2、4" in rule_description("life_six_months")


@pytest.mark.parametrize(
    ("period", "phrase"),
    [
        ("since:2026-03-25", "自2026-03-25起"),
        ("lost:2024-02-17", "失联自2024-02-17"),
        ("suspended:2023-06-23", "停止党籍自2023-06-23"),
        ("work:42", ""),
        ("330", ""),
        ("2026", "2026年度"),
        ("2026-10", "2026年10月"),
        ("2026-03", "2026年3月"),
        ("2026-Q3", "2026年第三季度"),
        ("", ""),
    ],
)
def test_periods_in_words(period, phrase) -> None:
    assert period_phrase(period) == phrase


def test_an_id_that_looks_like_a_year_is_hidden_by_its_rule() -> None:
    assert period_phrase("2026", "transfer_due") == ""
    assert period_phrase("2026", "certificate_unchecked") == "2026年度"


def test_every_key_the_rules_write_has_words() -> None:
    """The figures of the demo's alerts, one per rule: no raw key, no "_"."""
    details = [
        {
            "kind": "committee",
            "missed": "2026-10",
            "frequency": "month",
            "last_held": None,
            "missed_from": "2026-10-01",
            "organization": "甲一支部",
        },
        {
            "name": "x",
            "settled": False,
            "employer": "某公司",
            "out_date": "2025-10-29",
            "days_away": 398,
            "destination": "浙江省杭州市青山县",
            "settled_since": "2026-03-22",
            "household_moved": True,
            "household_registration": "浙江省杭州市青山县青溪镇溪口村",
        },
        {
            "to": "乙一支部",
            "name": "x",
            "number": "330122-1",
            "status": "expired",
            "from_org": "甲一支部",
            "issued_on": "2026-10-17",
            "valid_until": "2026-11-16",
            "days_expired": 15,
            "received_on": "2026-10-22",
            "days_since_received": 40,
        },
        {
            "year": 2026,
            "number": "1",
            "issued_on": "2025-10-29",
            "check_result": None,
            "last_passed_year": 2025,
        },
        {"year": 2026, "is_cadre": False, "study_hours": 26.5, "required_hours": 32},
        {
            "days": 1018,
            "since": "2024-02-17",
            "last_attempt_on": "2024-07-29",
            "decision_pending": False,
            "open_assignments": 1,
        },
        {
            "employer": "某公司",
            "members": 4,
            "checked_in": 1,
            "names": ["甲", "乙"],
            "own_org_from": 3,
        },
        {
            "silent_since": "2025-01-10",
            "days_silent": 690,
            "last_life_on": None,
            "last_contacted_on": None,
            "last_paid_on": None,
            "days_overdue": 4,
            "last_reported_on": None,
            "dues": {"months_owed": 13},
            "days_late": 3,
        },
    ]
    for detail in details:
        phrases = describe(detail)
        assert phrases, detail
        for phrase in phrases:
            assert "_" not in phrase, phrase
            assert ":" not in phrase, phrase
    assert "户籍已迁至流入地" in describe(details[1])
    assert "支委会" in describe(details[0])


def test_counts_of_days_are_counted_when_read() -> None:
    """A rule writes a count of days as its first day (`<figure>_from`, or the date of leaving
    for the days away): the figures stay the same from night to night, so the run does not
    rewrite the alert, and the page counts the days as of the day it is read."""
    counted = day_counts(MOBILE, dt.date(2025, 7, 2))
    assert (counted["days_away"], counted["days_silent"]) == (10, 10)
    assert "days_silent_from" not in counted
    assert "外出10天" in describe(MOBILE, dt.date(2025, 7, 2))
    assert "外出11天" in describe(MOBILE, dt.date(2025, 7, 3))
    # A count a rule (or an older run) wrote itself is kept as written.
    assert day_counts({**MOBILE, "days_silent": 3}, dt.date(2025, 7, 2))["days_silent"] == 3
    assert day_counts({"days_late_from": "not a day"}, dt.date(2025, 7, 2)) == {}


def test_a_resolved_alerts_days_are_counted_to_the_night_it_closed(
    login, secretary, tree, members
) -> None:
    today = timezone.localdate()
    closed_on = today - dt.timedelta(days=30)
    detail = {**MOBILE, "out_date": (closed_on - dt.timedelta(days=100)).isoformat()}
    live = make_alert(
        organization=tree.a1, member=members["a1"], rule="mobile_contact_overdue", detail=detail
    )
    closed = make_alert(
        organization=tree.a1,
        member=members["a1"],
        rule="mobile_contact_overdue",
        detail=detail,
        period="other",
        status="resolved",
        closed_on=closed_on,
    )
    client = login(secretary)
    html = client.get(reverse("oversight:alert", args=[live.pk])).content.decode()
    assert "外出130天" in _block(html, "data-figures")
    html = client.get(reverse("oversight:alert", args=[closed.pk])).content.decode()
    assert "外出100天" in _block(html, "data-figures")


def test_a_dues_silence_says_its_months_and_start_once() -> None:
    """A dues silence's months and start are its months owed and first month owed unless a
    proper reason ended within them: said once, not twice ("欠缴3个月，…，3个月")."""
    silence = {
        "months": 3,
        "since": "2026-09-01",
        "months_owed": 3,
        "amount_owed": "303.78",
        "first_owed": "2026-09-01",
    }
    phrases = describe(silence, dt.date(2026, 12, 1))
    assert phrases == ["欠缴3个月", "欠缴303.78元", "自2026年9月起欠缴"]
    # After a proper reason the silence is shorter than the months owed: both are said.
    after_reason = {**silence, "months": 2, "since": "2026-10-01", "months_owed": 5}
    phrases = describe(after_reason, dt.date(2026, 12, 1))
    assert "欠缴5个月" in phrases
    assert "2个月" in phrases
    assert "自2026-10-01起" in phrases
