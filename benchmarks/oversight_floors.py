"""Bare-SQL floors of the oversight rules (issue 12): for each rule code, hand-written SQL that
answers the rule's breaching rows (organization, member, period and the figures the alert
shows) as fast as one query can, set-based over the whole province. `benchmarks/oversight.py`
times each floor as `SELECT count(*) FROM (<floor>) x` and compares it with the rule run by the
engine (which also writes the alerts: the upsert and the close).

The shape every floor module shares (benchmarks/oversight_floors_a.py and _b.py add more):
`FLOORS` maps a rule code to SQL with named parameters (`%(as_of)s` and those of `PARAMS`);
`PARAMS(as_of)` answers the parameters.

`ALTERNATIVES` (optional) maps a rule code to other shapes, each timed once; the fastest shape
is the floor.

dues_overdue: two shapes answering the members on the register in good standing who owe
OVERSIGHT_DUES_OVERDUE_MONTHS or more months, with the months and amount owed, the first month
owed (the period), "paid up to" and the last payment's day: per member (each member's due months,
one `generate_series` per standard, probed in the paid months' index, one pass), and set-based
(every due month of the province hash anti-joined with the paid months, grouped). The rule
answers the same through the members' `in_dues_arrears` and `with_dues`
(members/models/dues_state.py), the one reading of dues.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The set-based shape: every due month of the province at once, a hash anti-join with the paid
#: months. Slower than the per-member shape below on this machine (the 22.7 million paid months
#: hashed spill to disk at the default work_mem): timed once, as an alternative.
DUES_OVERDUE_HASH = """
WITH standards AS (
    SELECT st.member_id, st.effective_from, st.amount, st.relief, st.relief_amount,
           st.relief_until,
           LEAD(st.effective_from) OVER (PARTITION BY st.member_id ORDER BY st.effective_from)
               AS next_from
    FROM members_duesstandard st
), due AS (
    SELECT s.member_id, m.home_org_id, g.month::date AS month,
           CASE WHEN s.relief <> 'none' AND (s.relief_until IS NULL OR g.month <= s.relief_until)
                THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
                ELSE s.amount END AS amount
    FROM standards s
    JOIN members_member m ON m.id = s.member_id
    CROSS JOIN LATERAL generate_series(
        s.effective_from,
        LEAST(COALESCE(s.next_from, %(month)s::date), %(month)s::date) - interval '1 month',
        interval '1 month'
    ) AS g(month)
    WHERE m.archived_at IS NULL AND m.standing = 'normal'
), marked AS (
    SELECT d.member_id, d.home_org_id, d.month, d.amount,
           d.amount > 0 AND p.member_id IS NULL AS owed
    FROM due d
    LEFT JOIN members_duespaidmonth p
           ON p.member_id = d.member_id AND p.month = d.month AND NOT p.voided
), owing AS (
    SELECT member_id, home_org_id,
           count(*) FILTER (WHERE owed) AS months_owed,
           sum(amount) FILTER (WHERE owed) AS amount_owed,
           min(month) FILTER (WHERE owed) AS first_owed,
           min(month) AS first_due
    FROM marked
    GROUP BY member_id, home_org_id
    HAVING count(*) FILTER (WHERE owed) >= %(months)s
)
SELECT o.home_org_id AS b_org, o.member_id AS b_member, o.first_owed::text AS b_period,
       o.months_owed, o.amount_owed,
       CASE WHEN o.first_owed = o.first_due THEN NULL
            ELSE (o.first_owed - interval '1 month')::date END AS paid_until,
       (SELECT max(pay.paid_on) FROM members_duespayment pay
         WHERE pay.member_id = o.member_id AND pay.voided_at IS NULL) AS last_paid_on
FROM owing o
"""

#: The per-member shape: for each member on the register in good standing, their due months
#: (`generate_series` per standard) probed one by one in the paid months' index, counted, summed
#: and the first owed found in one pass; kept when OVERSIGHT_DUES_OVERDUE_MONTHS or more.
DUES_OVERDUE = """
SELECT m.home_org_id AS b_org, m.id AS b_member, x.first_owed::text AS b_period,
       x.months_owed, x.amount_owed,
       CASE WHEN x.first_owed = x.first_due THEN NULL
            ELSE (x.first_owed - interval '1 month')::date END AS paid_until,
       (SELECT max(pay.paid_on) FROM members_duespayment pay
         WHERE pay.member_id = m.id AND pay.voided_at IS NULL) AS last_paid_on
FROM members_member m
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.owed) AS months_owed,
           sum(d.amount) FILTER (WHERE d.owed) AS amount_owed,
           min(d.month) FILTER (WHERE d.owed) AS first_owed,
           min(d.month) AS first_due
    FROM (
        SELECT g.month::date AS month, a.amount,
               a.amount > 0 AND NOT EXISTS (
                   SELECT 1 FROM members_duespaidmonth p
                   WHERE p.member_id = m.id AND p.month = g.month::date AND NOT p.voided
               ) AS owed
        FROM (
            SELECT st.effective_from, st.amount, st.relief, st.relief_amount, st.relief_until,
                   LEAD(st.effective_from) OVER (ORDER BY st.effective_from) AS next_from
            FROM members_duesstandard st WHERE st.member_id = m.id
        ) s
        CROSS JOIN LATERAL generate_series(
            s.effective_from,
            LEAST(COALESCE(s.next_from, %(month)s::date), %(month)s::date) - interval '1 month',
            interval '1 month'
        ) AS g(month)
        CROSS JOIN LATERAL (
            SELECT CASE WHEN s.relief <> 'none'
                             AND (s.relief_until IS NULL OR g.month <= s.relief_until)
                        THEN CASE WHEN s.relief = 'exempt' THEN 0 ELSE s.relief_amount END
                        ELSE s.amount END AS amount
        ) a
    ) d
) x
WHERE m.archived_at IS NULL AND m.standing = 'normal' AND x.months_owed >= %(months)s
"""

FLOORS: dict[str, str] = {"dues_overdue": DUES_OVERDUE}
#: Other shapes of a floor, timed once each (no warm-up) and reported beside it; the floor used
#: in the ratio is the fastest shape timed.
ALTERNATIVES: dict[str, dict[str, str]] = {"dues_overdue": {"hash anti-join": DUES_OVERDUE_HASH}}


def PARAMS(as_of: dt.date) -> dict[str, Any]:  # noqa: N802 (the shape the floor modules share)
    from django.conf import settings

    return {
        "as_of": as_of,
        "month": as_of.replace(day=1),
        "months": settings.OVERSIGHT_DUES_OVERDUE_MONTHS,
    }
