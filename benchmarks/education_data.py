"""A year of organizational life for the province of `benchmarks.generate` (issue 10): about
130,000 meetings and 12 million attendance rows, generated in SQL (set-based INSERT ... SELECT).

Every branch (4,000 of kind `branch`, 250 members each) holds, in each of the last twelve
months and the current one (only the days already past):

- one meeting for all its members: a theme party day, or in the last month of a quarter the
  branch general meeting; every member of the branch has a row (bulk entry: present, online,
  on leave with a reason, absent);
- a theme party day in the quarter's last month too, a party lecture each quarter, a committee
  meeting each month (its seven committee members have rows), the organizational-life meeting
  in January and heart-to-heart talks in July: recorded meetings without attendance rows
  (attendance on them would not change the shape of the reads measured); a red-tradition
  activity every fourth month in half the branches;
- some branches skip some kinds (committee meetings for the last three months in one branch
  in twenty, one of them entered and voided; the lecture for the last two quarters in one in
  twenty-five; the yearly life meeting in one in thirty; the talks in one in forty), so the
  compliance table has red cells.

The members (hashes of the member id, so a rerun makes the same rows):

- a member shared with a branch of another county (2%, `benchmarks.generate`'s grants, standing
  for a check-in there) takes part at that branch's meetings for their last 2-12 months (its
  rows, as the inflow organization records them) and at home before;
- other mobile members (about 8%): four in ten take part "at another organization" (status
  `elsewhere`, with a note) as recorded at home; three in ten are on leave for their last 6-12
  months (working away): no organizational life for six months or more; three in ten online;
- one ordinary member in 70 has been absent for their last 7-12 months;
- the rest: present 80%, online 5%, on leave 6%, absent 9% of meetings;
- archived members have no rows.

Rows are inserted month by month, meeting after meeting (the order they would be entered in),
into the table without its indexes and constraints, which are rebuilt afterwards; then
VACUUM ANALYZE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from benchmarks.generate import drop_indexes

MONTHS = 13  # the current month (days already past) and the twelve before it
COMMITTEE_SIZE = 7
RECORDER = "bench_recorder"

#: The meetings: one row per (branch, month, kind) held; `all_members` marks the monthly
#: meeting every member of the branch has a row at.
PLAN = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
WITH months AS (
    SELECT k, (date_trunc('month', %(today)s::date) - make_interval(months => k))::date AS start
    FROM generate_series(0, %(months)s - 1) k
), branches AS (
    SELECT id AS org_id FROM organizations_organization WHERE kind = 'branch'
), slots AS (
    SELECT b.org_id, mo.k, mo.start, extract(month FROM mo.start)::int AS month,
           mo.start + ((b.org_id * 7 + mo.k * 3) %% 20)::int AS held_on
    FROM branches b CROSS JOIN months mo
), planned AS (
    SELECT org_id, k, held_on,
           CASE WHEN month %% 3 = 0 THEN 'general_meeting' ELSE 'theme_day' END AS kind,
           true AS all_members, false AS voided
    FROM slots
    UNION ALL
    SELECT org_id, k, held_on, 'theme_day', false, false FROM slots WHERE month %% 3 = 0
    UNION ALL
    SELECT org_id, k, held_on, 'lecture', false, false FROM slots
    WHERE month %% 3 = 0 AND NOT (org_id %% 25 = 4 AND k < 6)
    UNION ALL
    SELECT org_id, k, held_on + 1, 'committee', false, false FROM slots
    WHERE NOT (org_id %% 20 = 3 AND k < 3)
    UNION ALL
    SELECT org_id, k, held_on + 1, 'committee', false, true FROM slots
    WHERE org_id %% 20 = 3 AND k = 1
    UNION ALL
    SELECT org_id, k, held_on, 'life_meeting', false, false FROM slots
    WHERE month = 1 AND org_id %% 30 <> 5
    UNION ALL
    SELECT org_id, k, held_on, 'talk', false, false FROM slots
    WHERE month = 7 AND org_id %% 40 <> 6
    UNION ALL
    SELECT org_id, k, held_on + 2, 'other', false, false FROM slots
    WHERE k %% 4 = 2 AND org_id %% 2 = 0
)
SELECT row_number() OVER (ORDER BY held_on, org_id, kind) AS id, *
FROM planned WHERE held_on <= %(today)s::date
"""
MEETINGS = """
INSERT INTO education_meeting (
    id, organization_id, kind, activity, held_on, starts_at, mode, place, online_link, topic,
    presenter, recorder, minutes, decisions, study_hours, sign_in_code, sign_in_until,
    voided_at, void_reason, created_by_id, created_at, updated_at
)
SELECT p.id, p.org_id, p.kind, CASE WHEN p.kind = 'other' THEN 'red_tradition' ELSE '' END,
       p.held_on, '19:30', 'in_person', '党员活动室', '',
       to_char(p.held_on, 'YYYY年MM月') || CASE p.kind
           WHEN 'theme_day' THEN '主题党日' WHEN 'general_meeting' THEN '支部党员大会'
           WHEN 'committee' THEN '支委会' WHEN 'lecture' THEN '党课'
           WHEN 'life_meeting' THEN '组织生活会' WHEN 'talk' THEN '谈心谈话'
           ELSE '红色教育' END,
       '支部书记', '组织委员', '', '',
       CASE WHEN p.kind = 'lecture' THEN 2 ELSE 0 END, '', NULL,
       CASE WHEN p.voided THEN %(now)s END, CASE WHEN p.voided THEN '重复录入' ELSE '' END,
       %(recorder)s, %(now)s, %(now)s
FROM bench_plan p ORDER BY p.id
"""
#: The branch's own members at its monthly all-members meeting of month %(k)s. (m.id * a + b)
#: %% n are the hashes; a shared member's last `2 + id %% 11` months are at the other branch.
HOME_ROWS = """
INSERT INTO education_attendance (
    meeting_id, member_id, status, note, signed_in, recorded_by_id, created_at, updated_at
)
SELECT p.id, m.id, s.status,
       CASE s.status WHEN 'leave' THEN s.reason WHEN 'elsewhere' THEN '在流入地参加组织生活'
                     ELSE '' END,
       false, %(recorder)s, %(now)s, %(now)s
FROM bench_plan p
JOIN members_member m ON m.home_org_id = p.org_id
CROSS JOIN LATERAL (SELECT (m.id * 2654435761 + p.k * 40503) %% 100 AS r,
                           (m.id * 7919) %% 1000 AS c, (m.id * 31) %% 10 AS mobile_kind) h
CROSS JOIN LATERAL (SELECT
    CASE
      WHEN m.is_mobile AND h.mobile_kind < 4 THEN
        CASE WHEN h.r < 85 THEN 'elsewhere' ELSE 'leave' END
      WHEN m.is_mobile AND h.mobile_kind < 7 THEN
        CASE WHEN p.k < 6 + m.id %% 7 THEN 'leave' WHEN h.r < 85 THEN 'present' ELSE 'absent' END
      WHEN m.is_mobile THEN CASE WHEN h.r < 80 THEN 'online' ELSE 'absent' END
      WHEN h.c < 15 AND p.k < 7 + m.id %% 6 THEN 'absent'
      WHEN h.r < 80 THEN 'present'
      WHEN h.r < 85 THEN 'online'
      WHEN h.r < 91 THEN 'leave'
      ELSE 'absent'
    END AS status,
    CASE WHEN m.is_mobile THEN '外出务工' ELSE '家中有事' END AS reason) s
WHERE p.all_members AND p.k = %(k)s AND m.archived_at IS NULL
  AND NOT (p.k < 2 + m.id %% 11 AND m.id IN (SELECT content_object_id FROM bench_shared))
ORDER BY p.id, m.id
"""
#: Shared members at the other branch's monthly meeting (its own record of them).
AWAY_ROWS = """
INSERT INTO education_attendance (
    meeting_id, member_id, status, note, signed_in, recorded_by_id, created_at, updated_at
)
SELECT p.id, m.id,
       CASE WHEN (m.id * 2654435761 + p.k * 40503) %% 100 < 75 THEN 'present'
            WHEN (m.id * 2654435761 + p.k * 40503) %% 100 < 90 THEN 'online'
            ELSE 'absent' END,
       '', false, %(recorder)s, %(now)s, %(now)s
FROM bench_shared sh
JOIN members_member m ON m.id = sh.content_object_id
JOIN bench_plan p ON p.org_id = sh.org_id
WHERE p.all_members AND p.k = %(k)s AND p.k < 2 + m.id %% 11 AND m.archived_at IS NULL
ORDER BY p.id, m.id
"""
#: The committee (the branch's first seven members) at its committee meetings.
COMMITTEE_ROWS = """
INSERT INTO education_attendance (
    meeting_id, member_id, status, note, signed_in, recorded_by_id, created_at, updated_at
)
SELECT p.id, c.id,
       CASE WHEN (c.id + p.k) %% 10 = 0 THEN 'leave' ELSE 'present' END,
       CASE WHEN (c.id + p.k) %% 10 = 0 THEN '公务' ELSE '' END,
       false, %(recorder)s, %(now)s, %(now)s
FROM bench_plan p
JOIN LATERAL (
    SELECT m.id FROM members_member m WHERE m.home_org_id = p.org_id AND m.archived_at IS NULL
    ORDER BY m.id LIMIT %(committee)s
) c ON true
WHERE p.kind = 'committee' AND NOT p.all_members
ORDER BY p.id, c.id
"""


def recorder_id(cur: Any, now: Any) -> int:
    """The user who entered the generated meetings (made once; no password)."""
    cur.execute(
        """
        INSERT INTO core_user (password, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, full_name, phone, must_change_password)
        VALUES ('!', false, %(u)s, '', '', '', false, true, %(now)s, '基准录入员', '', false)
        ON CONFLICT (username) DO NOTHING
        """,
        {"u": RECORDER, "now": now},
    )
    cur.execute("SELECT id FROM core_user WHERE username = %s", [RECORDER])
    row = cur.fetchone()
    assert row is not None
    return int(row[0])


def attendance_count(cur: Any) -> int:
    # The planner's estimate would do for "is there any"; an exact answer is cheap enough once.
    cur.execute("SELECT EXISTS (SELECT 1 FROM education_attendance)")
    row = cur.fetchone()
    return 1 if row and row[0] else 0


def generate_education(conn: Any, log: Callable[[str], None]) -> dict[str, int]:
    """Meetings and attendance into the (empty) education tables, in one transaction."""
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT now(), current_date")
        row = cur.fetchone()
        assert row is not None
        now, today = row
        args: dict[str, Any] = {
            "now": now,
            "today": today,
            "months": MONTHS,
            "recorder": recorder_id(cur, now),
            "committee": COMMITTEE_SIZE,
        }
        cur.execute("TRUNCATE education_attendance, education_meeting RESTART IDENTITY CASCADE")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(PLAN, args)
        cur.execute("CREATE INDEX ON bench_plan (org_id, k) WHERE all_members")
        cur.execute("ANALYZE bench_plan")
        cur.execute(
            """
            CREATE TEMP TABLE bench_shared ON COMMIT DROP AS
            SELECT gp.content_object_id, o.id AS org_id
            FROM members_membergroupobjectpermission gp
            JOIN auth_permission ap ON ap.id = gp.permission_id AND ap.codename = 'view_member'
            JOIN organizations_organization o ON o.group_id = gp.group_id
            WHERE o.kind = 'branch'
            """
        )
        cur.execute("CREATE INDEX ON bench_shared (content_object_id)")
        cur.execute("ANALYZE bench_shared")
        restore_meeting = drop_indexes(cur, "education_meeting")
        restore = drop_indexes(cur, "education_attendance")
        cur.execute(MEETINGS, args)
        meetings = cur.rowcount
        log(f"  {meetings:,} meetings: {time.monotonic() - started:.1f} s")
        rows = 0
        for k in range(MONTHS - 1, -1, -1):  # oldest month first, as they were entered
            step = time.monotonic()
            cur.execute(HOME_ROWS, {**args, "k": k})
            n = cur.rowcount
            cur.execute(AWAY_ROWS, {**args, "k": k})
            n += cur.rowcount
            rows += n
            log(f"  month -{k}: {n:,} attendance rows, {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        cur.execute(COMMITTEE_ROWS, args)
        rows += cur.rowcount
        log(f"  committee meetings: {cur.rowcount:,} rows, {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        for ddl in restore_meeting + restore:
            cur.execute(ddl)
        log(f"  indexes and constraints rebuilt: {time.monotonic() - step:.1f} s")
        for table in ("education_meeting", "education_attendance"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"
            )
    step = time.monotonic()
    autocommit = conn.autocommit
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE education_meeting")
        cur.execute("VACUUM ANALYZE education_attendance")
    conn.autocommit = autocommit
    log(f"  VACUUM ANALYZE: {time.monotonic() - step:.1f} s")
    log(
        f"generated {meetings:,} meetings and {rows:,} attendance rows "
        f"in {time.monotonic() - started:.1f} s"
    )
    return {"meetings": meetings, "attendance": rows}
