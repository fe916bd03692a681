"""The bare-SQL floors of the oversight rules beyond six months and dues (issue 12): for each rule
code, the same question written by hand as one plain statement, with named parameters
(`PARAMS(as_of)`). The oversight benchmark times each rule's query against its floor; each floor
answers the rule's (organization, member, subject organization, key, period) rows
(tests/oversight/rules/test_floors.py checks that they agree).

The dues reading of the nominal-member rule is the one definition of dues owed
(`members.models.dues_state.IN_ARREARS_SQL`): it is the dues floor's too, not a rule's shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from core.months import months_before
from education.compliance.queries import (
    PERIOD_MONTHS,
    all_required_kinds,
    frequency,
    month_index,
    month_start,
    period_start,
    required_kinds,
    required_org_kinds,
)
from education.life import LIFE_STATUSES
from members.models.dues_state import IN_ARREARS_SQL, dues_params
from members.models.mobility import months_after
from oversight.rules.coverage import FULL_WIDTH, HALF_WIDTH
from oversight.rules.organizations import period_key, study_year
from oversight.rules.transfers import PLACE_FIELDS

_LAST_CONTACT = (
    "(SELECT max(c.contacted_on) FROM members_contactrecord c WHERE c.member_id = e.member_id)"
)
_LAST_REPORT = (
    "(SELECT max(r.reported_on) FROM members_regularreport r WHERE r.member_id = e.member_id)"
)

_CURRENT = """
    FROM members_mobilityepisode e
    JOIN members_member m ON m.id = e.member_id AND m.archived_at IS NULL
    WHERE e.status IN ('registered', 'checked_in', 'lost')
"""

_COMMITTEE_ABOVE = """(
    SELECT c.id FROM organizations_organization c
    WHERE c.kind IN ('county', 'township') AND c.depth < {o}.depth AND {o}.path LIKE c.path || '%%'
    ORDER BY c.depth DESC LIMIT 1)"""

FLOORS: dict[str, str] = {
    "mobile_not_checked_in": """
SELECT e.home_org_id, e.member_id, NULL::int, '', e.id::text"""
    + _CURRENT
    + """
  AND e.status = 'registered' AND e.out_date <= %(left_before)s
  AND NOT EXISTS (SELECT 1 FROM members_outsidecheckin x WHERE x.episode_id = e.id)
""",
    "mobile_contact_overdue": """
SELECT home_org_id, member_id, NULL::int, '', clock::text FROM (
  SELECT e.home_org_id, e.member_id, e.status,
         GREATEST("""
    + _LAST_CONTACT
    + """, e.out_date) AS clock"""
    + _CURRENT
    + """
) t WHERE status IN ('registered', 'checked_in') AND clock < %(contact_before)s
""",
    "mobile_report_overdue": """
SELECT home_org_id, member_id, NULL::int, '', due::text FROM (
  SELECT e.home_org_id, e.member_id, e.status,
         LEAST((GREATEST("""
    + _LAST_REPORT
    + """, e.out_date)
                + interval '1 month' * m.report_every_months)::date, DATE '9999-12-31') AS due"""
    + _CURRENT
    + """
) t WHERE status IN ('registered', 'checked_in') AND due < %(as_of)s
""",
    "mobile_two_nobody": """
SELECT home_org_id, member_id, NULL::int, '', clock::text FROM (
  SELECT e.home_org_id, e.member_id,
         GREATEST("""
    + _LAST_CONTACT
    + """, e.out_date) AS clock"""
    + _CURRENT
    + """
    AND e.inflow_org_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM members_outsidecheckin x WHERE x.episode_id = e.id)
) t WHERE clock < %(contact_before)s
""",
    "mobile_nominal": """
SELECT m.home_org_id, m.id, NULL::int, '',
  COALESCE(GREATEST(
    (SELECT max(mt.held_on) FROM education_attendance a
       JOIN education_meeting mt ON mt.id = a.meeting_id
      WHERE a.member_id = m.id AND a.status = ANY(%(life_statuses)s)
        AND mt.voided_at IS NULL AND mt.held_on <= %(as_of)s),
    (SELECT max(c.contacted_on) FROM members_contactrecord c
      WHERE c.member_id = m.id AND c.contacted_on <= %(as_of)s),
    (SELECT max(p.paid_on) FROM members_duespayment p
      WHERE p.member_id = m.id AND p.voided_at IS NULL AND p.paid_on <= %(as_of)s)
  ), m.joined_on)::text
FROM members_member m
WHERE m.archived_at IS NULL AND m.standing = 'normal' AND m.joined_on <= %(nominal_cutoff)s
  AND EXISTS (SELECT 1 FROM education_meeting r
              WHERE r.voided_at IS NULL AND r.held_on <= %(nominal_cutoff)s)
  AND NOT EXISTS (SELECT 1 FROM education_attendance a
                  JOIN education_meeting mt ON mt.id = a.meeting_id
                  WHERE a.member_id = m.id AND a.status = ANY(%(life_statuses)s)
                    AND mt.voided_at IS NULL
                    AND mt.held_on > %(nominal_cutoff)s AND mt.held_on <= %(as_of)s)
  AND CASE WHEN NOT EXISTS (SELECT 1 FROM members_duespayment p WHERE p.member_id = m.id
                  AND p.voided_at IS NULL
                  AND p.paid_on > %(nominal_cutoff)s AND p.paid_on <= %(as_of)s)
    AND NOT EXISTS (SELECT 1 FROM members_contactrecord c WHERE c.member_id = m.id
                  AND c.contacted_on > %(nominal_cutoff)s AND c.contacted_on <= %(as_of)s)
    AND NOT EXISTS (SELECT 1 FROM members_regularreport r WHERE r.member_id = m.id
                  AND r.reported_on > %(nominal_cutoff)s AND r.reported_on <= %(as_of)s)
  THEN """
    + IN_ARREARS_SQL.format(member="m.id", alias="m")
    + " ELSE false END",
    "transfer_due": """
SELECT home_org_id, member_id, NULL::int, '', id::text FROM (
  SELECT e.id, e.home_org_id, e.member_id, e.employer, e.employer_has_party_org,
         e.destination_province AS dp, e.destination_city AS dc, e.destination_county AS dn,
         m.household_registration AS reg,
         COALESCE((SELECT c.name FROM organizations_organization c
                   JOIN organizations_organization h ON h.id = e.home_org_id
                   WHERE c.kind = 'county' AND h.path LIKE c.path || '%%'
                   ORDER BY c.depth DESC LIMIT 1), '') AS home_county,
         GREATEST(e.out_date, COALESCE(
           (SELECT max(u.changed_on) FROM members_episodeupdate u
             WHERE u.episode_id = e.id AND u.changed_on <= %(as_of)s
               AND (u.kind = 'moved' OR EXISTS (
                 SELECT 1 FROM jsonb_array_elements(u.changes) x
                 WHERE x->>'field' = ANY(%(place_fields)s)))), e.out_date)) AS settled"""
    + _CURRENT
    + """
    AND e.status IN ('registered', 'checked_in') AND e.out_date <= %(as_of)s
    AND NOT EXISTS (SELECT 1 FROM transfers_transfer t WHERE t.member_id = e.member_id
        AND t.status IN ('draft', 'submitted', 'approved', 'issued', 'rejected', 'expired'))
) x
WHERE (settled <= %(transfer_cutoff)s AND employer_has_party_org AND employer <> '')
   OR (dn <> '' AND strpos(reg, dn) > 0 AND strpos(home_county, dn) = 0
       AND ((dp <> '' AND strpos(reg, dp) > 0) OR (dc <> '' AND strpos(reg, dc) > 0)))
""",
    "transfer_letter_expired": """
SELECT t.issuing_committee_id, t.member_id, NULL::int, COALESCE(t.number, ''), t.id::text
FROM transfers_transfer t JOIN members_member m ON m.id = t.member_id
WHERE m.archived_at IS NULL
  AND (t.status = 'expired' OR (t.status = 'issued' AND t.valid_until < %(letter_deadline)s))
""",
    "transfer_receipt_overdue": """
SELECT COALESCE("""
    + _COMMITTEE_ABOVE.format(o="o")
    + """, o.id), t.member_id, NULL::int, COALESCE(t.number, ''), t.id::text
FROM transfers_transfer t JOIN organizations_organization o ON o.id = t.to_org_id
WHERE t.status = 'received' AND t.received_on < %(receipt_limit)s
""",
    "certificate_unchecked": """
SELECT c.issuing_org_id, c.member_id, NULL::int, c.number, %(year_text)s
FROM members_certificate c JOIN members_member m ON m.id = c.member_id
WHERE m.archived_at IS NULL AND c.kind = 'activity' AND c.status = 'valid'
  AND (c.issued_on <= %(anniversary)s
       OR EXISTS (SELECT 1 FROM members_certificatecheck k
                  WHERE k.certificate_id = c.id AND k.year = %(year)s))
  AND NOT EXISTS (SELECT 1 FROM members_certificatecheck k
                  WHERE k.certificate_id = c.id AND k.year = %(year)s AND k.result = 'passed')
""",
    "certificate_letter_expired": """
SELECT c.issuing_org_id, c.member_id, NULL::int, c.number, c.id::text
FROM members_certificate c JOIN members_member m ON m.id = c.member_id
WHERE m.archived_at IS NULL AND c.kind = 'letter' AND c.status = 'valid'
  AND c.valid_until < %(as_of)s
""",
    "coverage_own_org": "",  # filled below
    "coverage_joint_org": "",
    "meeting_frequency": """
WITH k AS (
  SELECT * FROM unnest(%(mf_kinds)s::text[], %(mf_current)s::date[], %(mf_previous)s::date[],
                       %(mf_label)s::text[]) AS k(kind, cur, prev, label)
), ok AS (
  SELECT * FROM unnest(%(mf_pair_kind)s::text[], %(mf_pair_org_kind)s::text[])
    AS ok(kind, org_kind)
)
SELECT o.id, NULL::int, o.id, k.kind, k.label
FROM k JOIN ok ON ok.kind = k.kind
JOIN organizations_organization o ON o.kind = ok.org_kind AND o.is_active
WHERE NOT EXISTS (SELECT 1 FROM education_meeting mt WHERE mt.organization_id = o.id
        AND mt.kind = k.kind AND mt.voided_at IS NULL
        AND mt.held_on >= k.cur AND mt.held_on <= %(as_of)s)
  AND NOT EXISTS (SELECT 1 FROM education_meeting mt WHERE mt.organization_id = o.id
        AND mt.kind = k.kind AND mt.voided_at IS NULL
        AND mt.held_on >= k.prev AND mt.held_on < k.cur)
  AND ((o.created_at AT TIME ZONE %(tz)s)::date <= k.prev
       OR EXISTS (SELECT 1 FROM education_meeting mt WHERE mt.organization_id = o.id
          AND mt.voided_at IS NULL AND mt.kind = ANY(%(mf_all_kinds)s)
          AND mt.held_on <= k.prev))
  AND (k.kind <> 'committee' OR CASE
    WHEN o.kind = 'general_branch' THEN EXISTS (
      SELECT 1 FROM members_member m JOIN organizations_organization mo ON mo.id = m.home_org_id
      WHERE mo.path LIKE o.path || '%%' AND m.archived_at IS NULL OFFSET %(offset)s LIMIT 1)
    WHEN o.kind = 'temporary_branch' THEN EXISTS (
      SELECT 1 FROM education_groupmembership g
      WHERE g.organization_id = o.id AND g.left_on IS NULL OFFSET %(offset)s LIMIT 1)
    ELSE EXISTS (
      SELECT 1 FROM members_member m
      WHERE m.home_org_id = o.id AND m.archived_at IS NULL OFFSET %(offset)s LIMIT 1)
  END)
""",
    "study_hours_short": """
SELECT home_org_id, id, NULL::int, '', %(study_year_text)s FROM (
  SELECT m.home_org_id, m.id,
    COALESCE((SELECT sum(s.hours) FROM education_studyrecord s WHERE s.member_id = m.id
              AND s.studied_on >= %(study_from)s AND s.studied_on < %(study_to)s), 0)
    + COALESCE((SELECT sum(mt.study_hours) FROM education_attendance a
                JOIN education_meeting mt ON mt.id = a.meeting_id
                WHERE a.member_id = m.id AND a.status IN ('present', 'online')
                  AND mt.voided_at IS NULL AND mt.study_hours > 0
                  AND mt.held_on >= %(study_from)s AND mt.held_on < %(study_to)s), 0) AS hours,
    CASE WHEN EXISTS (SELECT 1 FROM education_branchpost b WHERE b.member_id = m.id
                      AND b.started_on < %(study_to)s
                      AND (b.ended_on IS NULL OR b.ended_on >= %(study_from)s))
         THEN %(cadre_hours)s ELSE %(member_hours)s END AS required
  FROM members_member m
  WHERE %(study_checked)s AND m.archived_at IS NULL AND m.standing = 'normal'
    AND m.joined_on < %(study_from)s
) x WHERE hours < required
""",
}

_COVERAGE = """
SELECT responsible, NULL::int, NULL::int, employer_key, '' FROM (
  SELECT lower(btrim(translate(e.employer, %(full_width)s, %(half_width)s))) AS employer_key,
         COALESCE("""

_COVERAGE_TAIL = """, e.home_org_id) AS responsible,
         e.member_id
  FROM members_mobilityepisode e
  JOIN members_member m ON m.id = e.member_id AND m.archived_at IS NULL
  JOIN organizations_organization h ON h.id = e.home_org_id
  LEFT JOIN organizations_organization i ON i.id = e.inflow_org_id
  LEFT JOIN organizations_organization n ON n.id = e.intended_org_id
  WHERE e.status IN ('registered', 'checked_in') AND e.employer_sector = 'enterprise'
    AND NOT e.employer_has_party_org AND e.out_date <= %(as_of)s
) x WHERE employer_key <> ''
GROUP BY employer_key, responsible
HAVING count(DISTINCT member_id) {test} %(own_org_members)s
"""

_RESPONSIBLE = ", ".join(_COMMITTEE_ABOVE.format(o=alias) for alias in ("i", "n", "h"))
FLOORS["coverage_own_org"] = _COVERAGE + _RESPONSIBLE + _COVERAGE_TAIL.format(test=">=")
FLOORS["coverage_joint_org"] = _COVERAGE + _RESPONSIBLE + _COVERAGE_TAIL.format(test="<")


def _meeting_params(as_of: dt.date) -> dict[str, Any]:
    kinds, current, previous, labels, pair_kind, pair_org_kind = [], [], [], [], [], []
    for kind in all_required_kinds():
        freq = frequency(kind)
        cur = period_start(as_of, freq)
        prev = month_start(month_index(cur) - PERIOD_MONTHS[freq])
        kinds.append(kind)
        current.append(cur)
        previous.append(prev)
        labels.append(period_key(prev, freq))
        for org_kind in sorted(required_org_kinds()):
            if kind in required_kinds(org_kind, has_committee=True):
                pair_kind.append(kind)
                pair_org_kind.append(org_kind)
    return {
        "mf_kinds": kinds,
        "mf_current": current,
        "mf_previous": previous,
        "mf_label": labels,
        "mf_pair_kind": pair_kind,
        "mf_pair_org_kind": pair_org_kind,
        "mf_all_kinds": list(all_required_kinds()),
        "offset": max(settings.BRANCH_COMMITTEE_MIN_MEMBERS - 1, 0),
    }


def PARAMS(as_of: dt.date) -> dict[str, Any]:  # noqa: N802 - the name the benchmark reads
    """The parameters of every floor as of `as_of`."""
    nominal = settings.OVERSIGHT_NOMINAL_MONTHS
    checked = study_year(as_of)
    year = checked[0] if checked else as_of.year
    return {
        "as_of": as_of,
        "left_before": as_of - dt.timedelta(days=settings.MOBILE_CHECK_IN_GRACE_DAYS),
        "contact_before": as_of - dt.timedelta(days=settings.MOBILE_CONTACT_OVERDUE_DAYS),
        "nominal_cutoff": months_before(as_of, nominal),
        "life_statuses": list(LIFE_STATUSES),
        **dues_params(as_of, owed=nominal),
        "place_fields": list(PLACE_FIELDS),
        "transfer_cutoff": months_before(as_of, settings.OVERSIGHT_TRANSFER_DUE_MONTHS),
        "letter_deadline": as_of - dt.timedelta(days=settings.TRANSFER_RECEIPT_GRACE_DAYS),
        "receipt_limit": as_of - dt.timedelta(days=settings.TRANSFER_RECEIPT_DAYS),
        "year": as_of.year,
        "year_text": str(as_of.year),
        "anniversary": months_after(as_of, -12),
        "full_width": FULL_WIDTH,
        "half_width": HALF_WIDTH,
        "own_org_members": settings.OVERSIGHT_COVERAGE_OWN_ORG_MEMBERS,
        "tz": settings.TIME_ZONE,
        **_meeting_params(as_of),
        "study_checked": checked is not None,
        "study_year_text": str(year),
        "study_from": dt.date(year, 1, 1),
        "study_to": dt.date(year + 1, 1, 1),
        "member_hours": settings.STUDY_HOURS_MEMBER,
        "cadre_hours": settings.STUDY_HOURS_CADRE,
    }


__all__ = ["FLOORS", "PARAMS"]
