"""Regular reports (定期汇报): received and recorded by the home branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.mobility.actions import do_record_report
from members.models import RegularReport
from tests.pages import shown

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]

TODAY = dt.date.today()


def report(actor, member, **overrides):
    fields = {"reported_on": TODAY, "channel": "wechat", "summary": "汇报近期思想和工作情况"}
    return do_record_report(actor=actor, member=member, **{**fields, **overrides})


def test_the_home_branch_records_reports_others_cannot(members, secretary, station, inspector):
    made = report(secretary, members["a1"])
    assert (made.received_by, made.member) == (secretary, members["a1"])
    # The inflow side records contacts, not the reports owed to the home branch.
    with pytest.raises(PermissionDenied):
        report(station, members["shared"])
    with pytest.raises(PermissionDenied):
        report(inspector, members["a1"])
    assert RegularReport.objects.count() == 1


def test_a_report_in_the_future_is_refused(members, secretary):
    with pytest.raises(ValidationError):
        report(secretary, members["a1"], reported_on=TODAY + dt.timedelta(days=2))
    assert not RegularReport.objects.exists()


def test_the_member_page_lists_reports_newest_first(members, secretary, login):
    report(secretary, members["a1"], reported_on=TODAY - dt.timedelta(days=90), summary="一季度")
    report(secretary, members["a1"], reported_on=TODAY, summary="二季度")
    page = login(secretary).get(reverse("members:detail", args=[members["a1"].pk]))
    assert [r.summary for r in shown(page, "reports")] == ["二季度", "一季度"]


def test_recording_a_report_through_the_page(members, secretary, login):
    url = reverse("members:report_new", args=[members["a1"].pk])
    response = login(secretary).post(
        url, {"reported_on": TODAY.isoformat(), "channel": "phone", "summary": "电话汇报"}
    )
    assert response.status_code == 302
    assert RegularReport.objects.get().summary == "电话汇报"
