"""The hand-written SQL the benchmarks compare the application with: the "raw" column, and the
queries the floor views (benchmarks/floor.py) run.

What a developer who knows the data would write for the same rows (docs/benchmarks.md explains
each choice): the two halves of the scope (members at home in the subtree; members shared with
it from outside) as separate, index-friendly queries, and searches bounded on the sort key.
`RawSQL` runs them on any DB-API connection whose cursors take `%(name)s` parameters: a plain
psycopg2 connection for the "raw" column, Django's own for the floor views.
"""

from __future__ import annotations

from typing import Any

from pypinyin import Style, pinyin

SHARED = """
    SELECT gp.content_object_id FROM members_membergroupobjectpermission gp
    JOIN organizations_organization g ON g.group_id = gp.group_id
    WHERE gp.permission_id = %(perm)s AND g.path LIKE %(prefix)s
"""
# Each half takes its own first 51 in list order; the page is the first 51 of both.
PAGE = f"""
    SELECT * FROM (
      (SELECT m.*, o.* FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE m.home_org_id IN (SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
         AND m.archived_at IS NULL {{search}} {{cursor}}
       ORDER BY m.name_pinyin, m.id LIMIT 51)
      UNION ALL
      (SELECT m.*, o.* FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path NOT LIKE %(prefix)s AND m.id IN ({SHARED})
         AND m.archived_at IS NULL {{search}} {{cursor}}
       ORDER BY m.name_pinyin, m.id LIMIT 51)
    ) page
    ORDER BY 3, 1 LIMIT 51  -- name_pinyin, id
"""
COUNT = f"""
    SELECT
      (SELECT count(*) FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path LIKE %(prefix)s AND m.archived_at IS NULL {{search}})
    + (SELECT count(*) FROM members_member m
       JOIN organizations_organization o ON o.id = m.home_org_id
       WHERE o.path NOT LIKE %(prefix)s AND m.archived_at IS NULL {{search}}
         AND m.id IN ({SHARED}))
"""
CURSOR = "AND (m.name_pinyin, m.id) > (%(after_key)s, %(after_id)s)"

TREE = """
    SELECT o.*, COALESCE(c.n, 0) AS direct_members
    FROM organizations_organization o
    LEFT JOIN (
        SELECT m.home_org_id, count(*) AS n FROM members_member m
        WHERE m.archived_at IS NULL AND m.home_org_id IN (
            SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
        GROUP BY m.home_org_id
    ) c ON c.home_org_id = o.id
    WHERE o.path LIKE %(prefix)s
    ORDER BY o.path
"""

# The mobile members' list "my members away": every current absence (registered, checked in,
# lost while away) of a member of the subtree still on the register, in the member's pinyin order.
AWAY = """
    FROM members_mobilityepisode e
    JOIN members_member m ON m.id = e.member_id {joins}
    WHERE e.home_org_id IN (SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
      AND e.status IN ('registered', 'checked_in', 'lost') AND m.archived_at IS NULL
"""
AWAY_JOINS = """
    JOIN organizations_organization ho ON ho.id = e.home_org_id
    LEFT JOIN organizations_organization io ON io.id = e.inflow_org_id
    LEFT JOIN organizations_organization ino ON ino.id = e.intended_org_id
    LEFT JOIN core_user u ON u.id = e.contact_person_id
    LEFT JOIN members_member cm ON cm.id = e.contact_member_id
"""
AWAY_PAGE = f"""
    SELECT e.id, e.member_id, m.name, ho.name, e.status, e.destination_province,
           e.destination_city, e.destination_county, io.name, e.checked_in_on, ino.name,
           e.out_date, u.full_name, u.username, cm.name
    {AWAY.format(joins=AWAY_JOINS)}
    ORDER BY m.name_pinyin, e.id LIMIT 50
"""
AWAY_COUNT = f"SELECT count(*) {AWAY.format(joins='')}"


def search_sql(q: str) -> str:
    """MemberQuerySet.search's conditions for the inputs benchmarked here, plus a range on the
    sort key that every match satisfies, so the ordered index walk starts where matches are."""
    if not q:
        return ""
    if q.isdigit():
        return "AND (m.id_number LIKE %(like)s OR m.phone LIKE %(like)s)"
    bounded = "AND m.name_pinyin >= %(low)s AND m.name_pinyin < %(high)s"
    if q.isascii() and q.isalpha():
        return f"AND (m.name_initials LIKE %(like)s OR m.name_pinyin LIKE %(like)s) {bounded}"
    return f"AND m.name LIKE %(like)s {bounded}"


def sort_bounds(q: str) -> tuple[str, str]:
    """[low, high) holding the pinyin key of every name the search matches."""
    if q.isascii():
        # Initials and pinyin both start with the first letter of the pinyin key.
        low = high = q[0].lower()
    else:
        readings = pinyin(q[0], style=Style.NORMAL, heteronym=True)[0]
        low, high = min(readings), max(readings)
    return low, high[:-1] + chr(ord(high[-1]) + 1)


class RawSQL:
    """The hand-written queries, on `conn` (psycopg2's or Django's connection)."""

    def __init__(self, conn: Any, perm_id: int) -> None:
        self.conn = conn
        self.perm_id = perm_id

    def _args(self, prefix: str, q: str, after: tuple[str, int] | None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "prefix": prefix + "%",
            "perm": self.perm_id,
            "like": q.lower() + "%" if q.isascii() else q + "%",
        }
        if after:
            args["after_key"], args["after_id"] = after
        if q and not q.isdigit():
            args["low"], args["high"] = sort_bounds(q)
        return args

    def member_page(
        self, prefix: str, q: str = "", after: tuple[str, int] | None = None
    ) -> tuple[list[tuple[Any, ...]], int]:
        """One page (51 rows: the page and the "is there more" probe) and the count."""
        args = self._args(prefix, q, after)
        search = search_sql(q)
        with self.conn.cursor() as cur:
            cur.execute(PAGE.format(search=search, cursor=CURSOR if after else ""), args)
            rows = cur.fetchall()
            cur.execute(COUNT.format(search=search), args)
            count_row = cur.fetchone()
        return rows, int(count_row[0]) if count_row else 0

    def member_columns(self) -> list[str]:
        """The member table's column names, in the order `SELECT m.*` returns them."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM members_member LIMIT 0")
            return [str(d[0]) for d in cur.description]

    def row_at(self, prefix: str, offset: int) -> list[tuple[str, int]]:
        """(pinyin, id) of the rows at `offset` and after it in the scope's list order."""
        with self.conn.cursor() as cur:
            cur.execute(
                f"""
                SELECT m.name_pinyin, m.id FROM members_member m
                WHERE (m.home_org_id IN (
                         SELECT id FROM organizations_organization WHERE path LIKE %(prefix)s)
                       OR m.id IN ({SHARED}))
                  AND m.archived_at IS NULL
                ORDER BY m.name_pinyin, m.id OFFSET %(offset)s LIMIT 2
                """,
                {**self._args(prefix, "", None), "offset": offset},
            )
            return [(str(a), int(b)) for a, b in cur.fetchall()]

    def tree(self, prefix: str) -> list[tuple[Any, ...]]:
        """The organizations in scope in path order, each with its non-archived member count."""
        with self.conn.cursor() as cur:
            cur.execute(TREE, {"prefix": prefix + "%"})
            return cur.fetchall()

    def tree_columns(self) -> list[str]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM organizations_organization LIMIT 0")
            return [str(d[0]) for d in cur.description]

    def away(self, prefix: str) -> tuple[list[tuple[Any, ...]], int]:
        """The first page of "my members away" and the list's size."""
        with self.conn.cursor() as cur:
            cur.execute(AWAY_PAGE, {"prefix": prefix + "%"})
            rows = cur.fetchall()
            cur.execute(AWAY_COUNT, {"prefix": prefix + "%"})
            count_row = cur.fetchone()
        return rows, int(count_row[0]) if count_row else 0

    def explain(self, sql: str) -> str:
        with self.conn.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(str(r[0]) for r in cur.fetchall())

    def server(self) -> str:
        with self.conn.cursor() as cur:
            cur.execute("SHOW server_version")
            row = cur.fetchone()
        return str(row[0]) if row else "?"
