"""The nightly reports' pages: the list of a day's reports in the user's scope, one report, and
its Excel file, downloaded only in scope, as an attachment, recorded in the audit trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from core.models import AuditEntry
from oversight.models import NightlyReport
from tests.oversight.reports.helpers import DAY, alert, nightly, report_of
from tests.permissions import LOGIN, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


@pytest.fixture
def reports(tree, members):
    """Overdue dues in branches A1 and B1, and the reports of the day before and the day."""
    alert(members["a1"])
    alert(members["b1"], opened_on=DAY - dt.timedelta(days=40))
    nightly(DAY - dt.timedelta(days=1))
    nightly(DAY)
    return {name: report_of(getattr(tree, name)) for name in ("a1", "a2", "b1", "town_a", "county")}


def _names(response) -> list[str]:
    return [line["report"].organization.name for line in response.context["lines"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", ["甲一支部"]),
        ("town", ["甲镇", "甲一支部", "甲二支部"]),
        ("station", ["乙镇流动党员服务站"]),
        (
            "county",
            [
                "县委",
                "甲镇",
                "甲一支部",
                "甲二支部",
                "乙镇",
                "乙一支部",
                "乙镇流动党员服务站",
                "县直机关党支部",
            ],
        ),
    ],
)
def test_the_list_shows_the_latest_reports_in_the_users_scope(
    persona, expected, reports, request, login, django_assert_num_queries
) -> None:
    client = login(request.getfixturevalue(persona))
    # The session, the user, the roles; the latest day, the days offered, the user's own
    # reports, the count and the page.
    with django_assert_num_queries(8):
        response = client.get(reverse("oversight:reports"))
    assert response.status_code == 200
    assert response.context["day"] == DAY
    assert sorted(_names(response)) == sorted(expected)
    assert response.context["days"] == [DAY, DAY - dt.timedelta(days=1)]


def test_the_list_of_another_day_and_the_users_own_organizations(
    reports, town, login, django_assert_num_queries
) -> None:
    client = login(town)
    with django_assert_num_queries(7):
        response = client.get(reverse("oversight:reports"), {"as_of": "2026-11-29"})
    assert response.context["day"] == DAY - dt.timedelta(days=1)
    assert {line["report"].as_of for line in response.context["lines"]} == {response.context["day"]}
    assert [line["report"].organization.name for line in response.context["mine"]] == ["甲镇"]
    assert "甲一支部" in response.content.decode()


def test_the_list_is_paged_in_tree_order(reports, county, login, monkeypatch) -> None:
    """A province's day is 5,000 reports: the list shows them a page at a time, the user's own
    organizations above it on every page; a page number that is no number is the first."""
    monkeypatch.setattr("oversight.reports.views.REPORTS_PAGE_SIZE", 3)
    client = login(county)
    first = client.get(reverse("oversight:reports"))
    assert _names(first) == ["县委", "甲镇", "甲一支部"]
    assert [line["report"].organization.name for line in first.context["mine"]] == ["县委"]
    second = client.get(reverse("oversight:reports"), {"page": "2"})
    assert _names(second) == ["甲二支部", "乙镇", "乙一支部"]
    assert [line["report"].organization.name for line in second.context["mine"]] == ["县委"]
    assert f"?as_of={DAY.isoformat()}&amp;page=3" in second.content.decode()
    last = _names(client.get(reverse("oversight:reports"), {"page": "3"}))
    assert len(last) == 2
    assert len({*_names(first), *_names(second), *last}) == 8
    # Not a number: the first page; out of range: the last.
    for hostile in ("x", "2\x00"):
        response = client.get(reverse("oversight:reports"), {"page": hostile})
        assert response.status_code == 200
        assert _names(response) == _names(first)
    for hostile in ("0", "-1", "99999999999999999999"):
        response = client.get(reverse("oversight:reports"), {"page": hostile})
        assert response.status_code == 200
        assert _names(response) == last


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("２０２６-11-30", DAY),  # noqa: RUF001 (full-width digits: read as the date they say)
        ("2026-11-30\x00", DAY),
        ("abc", DAY),
        ("2026-02-30", DAY),
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
    ],
)
def test_a_hostile_date_is_a_field_error_or_a_day_without_reports(
    value, shown, reports, county, login
) -> None:
    """Anything that is no date is ignored (the latest reports); a date without reports shows
    none. Never a server error."""
    response = login(county).get(reverse("oversight:reports"), {"as_of": value})
    assert response.status_code == 200
    assert response.context["day"] == shown
    assert bool(response.context["lines"]) == (shown == DAY)


def test_the_report_shows_its_figures_changes_and_ages(reports, secretary, login) -> None:
    response = login(secretary).get(reverse("oversight:report", args=[reports["a1"].pk]))
    assert response.status_code == 200
    rules = response.context["rules"]
    assert [(r["code"], r["count"], r["amount"]) for r in rules] == [("dues_overdue", 1, "240.00")]
    page = response.content.decode()
    assert reverse("oversight:report_download", args=[reports["a1"].pk]) in page
    assert response.context["since"] == DAY - dt.timedelta(days=1)

    county = login(secretary).get(reverse("oversight:report", args=[reports["county"].pk]))
    assert county.status_code == 404


def test_a_report_with_nothing_to_list_says_there_is_no_file(reports, town, login) -> None:
    response = login(town).get(reverse("oversight:report", args=[reports["a2"].pk]))
    assert response.context["file_state"] == "nothing"
    assert "不生成Excel文件" in response.content.decode()
    assert reverse("oversight:report_download", args=[reports["a2"].pk]) not in (
        response.content.decode()
    )
    assert (
        login(town).get(reverse("oversight:report_download", args=[reports["a2"].pk])).status_code
        == 404
    )


def test_the_county_sees_the_age_of_b1s_alert(reports, county, login) -> None:
    response = login(county).get(reverse("oversight:report", args=[reports["county"].pk]))
    assert [count for _label, count in response.context["ages"]] == [1, 0, 1, 0]


def test_the_download_is_an_audited_attachment(reports, secretary, login) -> None:
    report = reports["a1"]
    response = login(secretary).get(reverse("oversight:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    entry = AuditEntry.objects.get(event="export.nightly_report")
    assert entry.actor == secretary
    assert entry.org_path == report.organization.path
    assert entry.changes["as_of"] == DAY.isoformat()


def test_a_download_out_of_scope_or_of_a_removed_file_is_not_found(
    reports, secretary, secretary2, login
) -> None:
    url = reverse("oversight:report_download", args=[reports["b1"].pk])
    assert_access(login(secretary), url, 404)
    assert_access(login(None), url, LOGIN)
    assert_access(login(secretary2), url, 200)
    NightlyReport.objects.filter(pk=reports["b1"].pk).update(file="../../etc/passwd")
    assert_access(login(secretary2), url, 404)
    NightlyReport.objects.filter(pk=reports["b1"].pk).update(file="")
    assert_access(login(secretary2), url, 404)
    assert not AuditEntry.objects.filter(event="export.nightly_report", actor=secretary).exists()


def test_a_forged_report_id_is_not_found(reports, county, login) -> None:
    client = login(county)
    for pk in (2**63, 10**30, 999_999_999):
        assert client.get(f"/oversight/reports/{pk}/").status_code == 404
        assert client.get(f"/oversight/reports/{pk}/download/").status_code == 404


@pytest.mark.parametrize(("persona", "runs"), [("county", True), ("secretary", False)])
def test_the_oversight_pages_link_each_other(persona, runs, reports, request, login) -> None:
    """The alerts, the nightly reports and (for those who may run the checks) the run log are
    tabs of one another, under the navigation's one "Alerts" item."""
    client = login(request.getfixturevalue(persona))
    for name in ("oversight:alerts", "oversight:reports"):
        html = client.get(reverse(name)).content.decode()
        tabs = re.search(r"<ul[^>]*data-oversight-tabs.*?</ul>", html, re.S)
        assert tabs is not None
        assert reverse("oversight:reports") in tabs.group(0)
        assert (reverse("oversight:runs") in tabs.group(0)) == runs
