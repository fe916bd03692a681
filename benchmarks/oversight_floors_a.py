"""Bare-SQL floors of the six-month rule, the dues and the standing rules (issue 12): for each
rule code, the query a DBA would write by hand for the same question — the ids of the members
the rule flags as of `%(as_of)s` (early warnings included: the rule's first step), with the
same population (on the register, in good standing) and the same proper reasons — timed by
`benchmarks/oversight.py` against the rule's own query. `PARAMS(as_of)` gives the parameters
(the settings in force); tests/oversight/rules/test_floors.py checks that each floor finds
the members its rule finds.

Calendar months are PostgreSQL's: `date - interval 'N months'` clamps to the end of a shorter
month, as `core.months.months_before` does (31 August - 6 months = 28 February)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from education.models import TAKING_PART
from oversight.rules.six_months import thresholds

#: The latest end of the member's (m) proper reasons for a condition that began by D.
_EXEMPT = """
LEFT JOIN LATERAL (
    SELECT max(e.ends_on) AS until FROM oversight_exemption e
    WHERE e.member_id = m.id AND e.revoked_at IS NULL AND e.starts_on <= %(as_of)s
      AND e.condition IN ({condition}, 'all')
) x ON true"""

#: Per member on the register in good standing (m): the months owed and the first month owed,
#: read through the member's own rows (an index range each: faster than a whole-table hash
#: anti-join of every due month with every paid month at province scale). The due months of each
#: standard up to the month before D's, with an amount after any relief, not covered by a
#: payment that stands. (Archived or suspended members are not in the population, so the
#: register's stops at archiving and at a change of standing do not apply.)
_OWED = """
SELECT m.id, o.months_owed, o.first_owed
FROM members_member m
CROSS JOIN LATERAL (
    SELECT count(*) AS months_owed, min(g.month)::date AS first_owed
    FROM (
        SELECT st.effective_from, st.amount, st.relief, st.relief_amount, st.relief_until,
               lead(st.effective_from) OVER (ORDER BY st.effective_from) AS next_from
        FROM members_duesstandard st WHERE st.member_id = m.id
    ) s
    CROSS JOIN LATERAL generate_series(
        s.effective_from,
        LEAST(COALESCE(s.next_from, %(month)s::date), %(month)s::date) - interval '1 month',
        interval '1 month'
    ) AS g(month)
    WHERE CASE WHEN s.relief <> 'none' AND (s.relief_until IS NULL OR g.month <= s.relief_until)
               THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
               ELSE s.amount END > 0
      AND NOT EXISTS (
          SELECT 1 FROM members_duespaidmonth p
          WHERE p.member_id = m.id AND p.month = g.month AND NOT p.voided
      )
) o
WHERE m.archived_at IS NULL AND m.standing = 'normal'"""

FLOORS: dict[str, str] = {
    # No participation after D - N months (an anti-join), joined by then, records begun by
    # then, and no proper reason for life that ended later than the day before the cutoff.
    "life_six_months": """
SELECT m.id FROM members_member m"""
    + _EXEMPT.format(condition="'life'")
    + """
WHERE m.archived_at IS NULL AND m.standing = 'normal'
  AND m.joined_on <= (%(as_of)s::date - make_interval(months => %(life_months)s))::date
  AND (SELECT min(held_on) FROM education_meeting WHERE voided_at IS NULL)
      <= (%(as_of)s::date - make_interval(months => %(life_months)s))::date
  AND NOT EXISTS (
      SELECT 1 FROM education_attendance a
      JOIN education_meeting mt ON mt.id = a.meeting_id
      WHERE a.member_id = m.id AND a.status IN %(taking_part)s AND mt.voided_at IS NULL
        AND mt.held_on > (%(as_of)s::date - make_interval(months => %(life_months)s))::date
        AND mt.held_on <= %(as_of)s
  )
  AND (x.until IS NULL
       OR x.until + 1 <= (%(as_of)s::date - make_interval(months => %(life_months)s))::date)
""",
    # Owing N months or more, counting after a proper reason ended only the months due since
    # the month of the day after it.
    "dues_six_months": "WITH per_member AS ("
    + _OWED
    + """ AND o.months_owed >= %(dues_months)s)
SELECT pm.id FROM per_member pm
JOIN members_member m ON m.id = pm.id"""
    + _EXEMPT.format(condition="'dues'")
    + """
WHERE (x.until IS NULL OR (
      SELECT extract(year FROM a) * 12 + extract(month FROM a)
      FROM age(%(month)s::date,
               GREATEST(pm.first_owed, date_trunc('month', x.until + 1)::date)) AS a
  ) >= %(dues_months)s)
""",
    "dues_overdue": _OWED
    + """ AND o.months_owed >= %(overdue_months)s
""",
    # Open work whose clock (due date, else the day assigned) started by D - N months.
    "work_six_months": """
SELECT DISTINCT m.id FROM oversight_workassignment w
JOIN members_member m ON m.id = w.member_id"""
    + _EXEMPT.format(condition="'work'")
    + """
WHERE m.archived_at IS NULL AND m.standing = 'normal'
  AND w.voided_at IS NULL AND w.assigned_on <= %(as_of)s
  AND (w.done_on IS NULL OR w.done_on > %(as_of)s)
  AND COALESCE(w.due_on, w.assigned_on)
      <= (%(as_of)s::date - make_interval(months => %(work_months)s))::date
  AND (x.until IS NULL
       OR x.until + 1 <= (%(as_of)s::date - make_interval(months => %(work_months)s))::date)
""",
    "suspension_due": """
SELECT m.id FROM members_member m
WHERE m.archived_at IS NULL AND m.lost_contact AND m.standing = 'normal'
  AND m.lost_contact_since <= (%(as_of)s::date - make_interval(months => %(lost_months)s))::date
  AND EXISTS (
      SELECT 1 FROM members_findingattempt f
      WHERE f.member_id = m.id AND f.attempted_on >= m.lost_contact_since
  )
""",
    "strike_off_due": """
SELECT m.id FROM members_member m
WHERE m.archived_at IS NULL AND m.standing = 'suspended'
  AND m.standing_since
      <= (%(as_of)s::date - make_interval(months => %(suspended_months)s))::date
""",
}


def PARAMS(as_of: dt.date) -> dict[str, Any]:  # noqa: N802 - the name the benchmark reads
    """The floors' parameters as of `as_of`, from the settings in force: each six-month
    condition's first step (the earliest warning), the dues and standing settings."""
    return {
        "as_of": as_of,
        "month": as_of.replace(day=1),
        "taking_part": tuple(sorted(TAKING_PART)),
        "life_months": thresholds(settings.LIFE_ALERT_MONTHS)[0][0],
        "dues_months": thresholds(settings.DUES_LAPSE_MONTHS)[0][0],
        "work_months": thresholds(settings.OVERSIGHT_WORK_MONTHS)[0][0],
        "overdue_months": settings.OVERSIGHT_DUES_OVERDUE_MONTHS,
        "lost_months": settings.SUSPENSION_DUE_LOST_MONTHS,
        "suspended_months": settings.STRIKE_OFF_DUE_SUSPENDED_MONTHS,
    }
