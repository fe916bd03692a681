"""The benchmark's bare-SQL floors (benchmarks/oversight_floors_b.py) answer what the rules
answer: on a world with a breach of every rule, and on the day after, at the year end and in
the middle of the year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection

from benchmarks.oversight_floors_b import FLOORS, PARAMS
from core.months import months_before
from education.builders import hold_meeting
from education.models import MeetingKind
from members import builders
from members.models import CertificateKind
from members.models.mobility import months_after
from organizations.models import Sector
from tests.oversight.rules.helpers import days_ago, rows, today
from transfers.builders import transfer_in
from transfers.models import TransferStatus

pytestmark = [pytest.mark.django_db, pytest.mark.shared_world]


def floor_rows(code: str, as_of: dt.date) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(FLOORS[code], PARAMS(as_of))
        return {tuple(row) for row in cursor.fetchall()}


def rule_rows(code: str, as_of: dt.date) -> set[tuple]:
    return {
        (r["b_org"], r["b_member"], r["b_subject_org"], r["b_key"], r["b_period"])
        for r in rows(code, as_of)
    }


def test_every_floor_answers_as_its_rule(
    tree, members, secretary, secretary2, town, station, county
) -> None:
    days = settings.MOBILE_CONTACT_OVERDUE_DAYS
    hold_meeting(tree.a2, actor=county, held_on=days_ago(800))
    hold_meeting(tree.a1, actor=secretary, kind=MeetingKind.THEME_DAY, held_on=days_ago(100))
    builders.away(
        members["a1"],
        actor=secretary,
        out_date=months_before(today(), 7),
        employer="ＡＢＣ科技有限公司",
        employer_sector=Sector.NON_PUBLIC_ENTERPRISE,
        employer_has_party_org=False,
    )
    builders.away(
        members["b1"],
        actor=secretary2,
        out_date=days_ago(days + 10),
        employer="宁波港集团",
        employer_has_party_org=True,
    )
    builders.check_in(members["b1"], actor=station, at=tree.bs)
    builders.set_dues_standard(members["a2"], actor=town)
    builders.issue_certificate(
        members["county_branch"], actor=county, kind=CertificateKind.LETTER, on=days_ago(40)
    )
    start = months_after(today(), -13)
    episode = builders.away(members["shared"], actor=town, out_date=start)
    builders.issue_certificate(members["shared"], actor=town, on=start, episode=episode)
    transfer_in(TransferStatus.EXPIRED, member=members["county_branch"], to=tree.b1, actor=county)
    for as_of in (today(), today() + dt.timedelta(days=1), dt.date(today().year, 12, 15)):
        for code in FLOORS:
            assert floor_rows(code, as_of) == rule_rows(code, as_of), (code, as_of)
    found = {code for code in FLOORS if rule_rows(code, today())}
    assert {"mobile_two_nobody", "coverage_joint_org", "certificate_letter_expired"} <= found
