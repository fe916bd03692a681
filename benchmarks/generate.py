"""Province-scale data for the benchmarks: 5,101 organizations and 1,000,000 members.

The tree keeps the kinds valid (organizations.models.ALLOWED_CHILDREN) with one province at the
top: the root is a county-kind node standing for the province's organization department, its
100 children are the "counties" (township kind), each with 10 "townships" (general-branch kind),
each with 4 branches holding 250 members. The benchmark's county officer holds a role on one of
the 100 counties, the province officer on the root: both are a single path prefix, as they would
be in production. 2% of members are shared (guardian group grants, as a check-in would) with a
branch in another county, so the "shared with my scope" half of Member.visible_to has rows.

Everything is loaded with COPY in one transaction: the member table's secondary indexes and
constraints are dropped first and rebuilt after the load (faster than maintaining them row by
row), then the tables are vacuumed and analyzed. A database that already holds a million
members is reused unless --rebuild is given. A year of meetings and attendance (issue 10:
benchmarks/education_data.py) is added when the attendance table is empty.

    python -m benchmarks.generate [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from faker.providers.person.zh_CN import Provider as ChineseNames

from benchmarks.db import (
    BASE_DIR,
    BENCH_DB_NAME,
    bench_environ,
    connect,
    default_config,
    ensure_database,
)
from core.pinyin import pinyin_initials, pinyin_key
from core.validators import id_check_char

SEED = 2026
COUNTIES = 100
TOWNSHIPS_PER_COUNTY = 10
BRANCHES_PER_TOWNSHIP = 4
MEMBERS_PER_BRANCH = 250
MEMBERS = COUNTIES * TOWNSHIPS_PER_COUNTY * BRANCHES_PER_TOWNSHIP * MEMBERS_PER_BRANCH
SHARED_FRACTION = 0.02
CHUNK = 50_000
NAME_POOL = 30_000

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard MP_Node defaults
_STEPLEN = 4

Log = Callable[[str], None]


def log_line(text: str) -> None:
    # Flushed, so lines interleave correctly with the migrate subprocess's output.
    print(text, flush=True)


def path_step(n: int) -> str:
    """The n-th (1-based) child's step in a treebeard materialized path."""
    digits = ""
    while n:
        n, r = divmod(n, len(_ALPHABET))
        digits = _ALPHABET[r] + digits
    return digits.rjust(_STEPLEN, "0")


def county_region(c: int) -> str:
    """A six-digit region code per benchmark county: also the first six ID-card digits."""
    return f"33{c // 10 + 1:02d}{c % 10 + 1:02d}"


def county_name(c: int) -> str:
    return f"基准{c + 1:03d}县"


def _copy(
    cur: Any, table: str, columns: tuple[str, ...], rows: Iterator[str], freeze: bool = False
) -> int:
    """COPY text-format rows (already tab-separated lines) in chunks; returns the row count."""
    total = 0
    buffer = io.StringIO()
    n = 0
    options = " WITH (FREEZE)" if freeze else ""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN{options}"
    for line in rows:
        buffer.write(line)
        n += 1
        if n == CHUNK:
            buffer.seek(0)
            cur.copy_expert(sql, buffer)
            total += n
            buffer = io.StringIO()
            n = 0
    if n:
        buffer.seek(0)
        cur.copy_expert(sql, buffer)
        total += n
    return total


class Generator:
    def __init__(self, now: dt.datetime) -> None:
        self.rnd = random.Random(SEED)
        self.now = now
        self.stamp = now.isoformat()
        self.today = now.date()
        self.org_rows: list[str] = []
        self.group_rows: list[str] = []
        #: (org id, county index, township label) of every branch, in path order.
        self.branches: list[tuple[int, int, str]] = []
        self.group_of: dict[int, int] = {}
        self._build_tree()
        self._build_name_pool()

    # --- organizations ----------------------------------------------------------------------

    def _org(
        self,
        *,
        path: str,
        numchild: int,
        name: str,
        kind: str,
        sector: str,
        county_code: str,
    ) -> int:
        org_id = len(self.org_rows) + 1
        group_id = org_id
        self.group_rows.append(f"{group_id}\torg-bench-{org_id}\n")
        depth = len(path) // _STEPLEN
        fields = (
            org_id,
            path,
            depth,
            numchild,
            name,
            kind,
            sector,
            "",
            "330000",
            county_code[:4] + "00" if county_code != "330000" else "",
            county_code,  # the province's own code on the root: it numbers letters too
            f"浙江省{name}办公楼",
            "310000",
            "0571-88888888",
            "",
            f"org{org_id}@bench.example.cn",
            "",
            "",
            "t",
            group_id,
            self.stamp,
            self.stamp,
        )
        self.org_rows.append("\t".join(str(f) for f in fields) + "\n")
        self.group_of[org_id] = group_id
        return org_id

    def _build_tree(self) -> None:
        root_path = path_step(1)
        self._org(
            path=root_path,
            numchild=COUNTIES,
            name="中共浙江省委组织部（基准）",
            kind="county",
            sector="government",
            county_code="330000",
        )
        for c in range(COUNTIES):
            c_path = root_path + path_step(c + 1)
            region = county_region(c)
            self._org(
                path=c_path,
                numchild=TOWNSHIPS_PER_COUNTY,
                name=f"中共{county_name(c)}委",
                kind="township",
                sector="government",
                county_code=region,
            )
            for t in range(TOWNSHIPS_PER_COUNTY):
                t_path = c_path + path_step(t + 1)
                township = f"{county_name(c)}第{t + 1:02d}镇"
                self._org(
                    path=t_path,
                    numchild=BRANCHES_PER_TOWNSHIP,
                    name=f"{township}党委",
                    kind="general_branch",
                    sector="government",
                    county_code=region,
                )
                for b in range(BRANCHES_PER_TOWNSHIP):
                    sector, label = (
                        ("village", f"第{b + 1}村") if b < 2 else ("community", f"第{b + 1}社区")
                    )
                    org_id = self._org(
                        path=t_path + path_step(b + 1),
                        numchild=0,
                        name=f"{township}{label}党支部",
                        kind="branch",
                        sector=sector,
                        county_code=region,
                    )
                    self.branches.append((org_id, c, f"{township}{label}"))

    # --- members ----------------------------------------------------------------------------

    def _build_name_pool(self) -> None:
        """Names drawn like real ones (common surnames common), pinyin computed once per name."""
        surnames = list(ChineseNames.last_names.keys())
        weights = list(ChineseNames.last_names.values())
        self.pools: dict[str, list[tuple[str, str, str]]] = {}
        cache: dict[str, tuple[str, str, str]] = {}
        for gender, given in (
            ("M", ChineseNames.first_names_male),
            ("F", ChineseNames.first_names_female),
        ):
            pool = []
            for _ in range(NAME_POOL // 2):
                surname = self.rnd.choices(surnames, weights)[0]
                first = self.rnd.choice(given)
                if len(first) == 1 and self.rnd.random() < 0.5:
                    first += self.rnd.choice(given)[:1]
                name = surname + first
                if name not in cache:
                    cache[name] = (name, pinyin_key(name), pinyin_initials(name))
                pool.append(cache[name])
            self.pools[gender] = pool

    def member_rows(self) -> Iterator[str]:
        rnd = self.rnd
        today = self.today
        oldest = today.toordinal() - 85 * 365
        youngest = today.toordinal() - 20 * 365 - 5
        year_ago = today.toordinal() - 366
        seen: set[int] = set()
        destinations = ("广东省深圳市宝安区", "上海市闵行区", "江苏省苏州市昆山市", "北京市朝阳区")
        educations = ("undergraduate", "college", "vocational", "high_school", "junior_high")
        categories = ("worker", "farmer", "migrant", "self_employed", "professional", "retired")
        member_id = 0
        for org_id, c, place in self.branches:
            region = county_region(c)
            for _ in range(MEMBERS_PER_BRANCH):
                member_id += 1
                gender = "M" if rnd.random() < 0.7 else "F"
                name, pinyin, initials = rnd.choice(self.pools[gender])
                while True:
                    birth = dt.date.fromordinal(rnd.randint(oldest, youngest))
                    # Odd sequence codes for men, even for women (GB 11643).
                    seq = rnd.randrange(500) * 2 + (gender == "M")
                    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
                    key = int(first17)
                    if key not in seen:
                        seen.add(key)
                        break
                id_number = first17 + id_check_char(first17)
                adult = birth.toordinal() + 18 * 366
                if rnd.random() < 0.01:
                    joined = dt.date.fromordinal(
                        rnd.randint(max(adult, year_ago + 1), today.toordinal())
                    )
                    membership, full_on = "probationary", r"\N"
                else:
                    joined = dt.date.fromordinal(rnd.randint(adult, max(adult, year_ago - 1)))
                    membership = "full"
                    full_on = (joined + dt.timedelta(days=365)).isoformat()
                lost = rnd.random() < 0.01
                is_mobile = rnd.random() < 0.08
                archived = rnd.random() < 0.005
                address = f"浙江省{place}{rnd.randint(1, 12)}组{rnd.randint(1, 150)}号"
                row = (
                    member_id,
                    name,
                    pinyin,
                    initials,
                    gender,
                    "汉族" if rnd.random() < 0.95 else "畲族",
                    id_number,
                    birth.isoformat(),
                    rnd.choice(educations),
                    rnd.choice(categories),
                    joined.isoformat(),
                    full_on,
                    membership,
                    "职员",
                    f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
                    address,
                    f"浙江省{place}",
                    address,
                    "浙江基准科技有限公司",
                    "normal",
                    "t" if lost else "f",
                    (today - dt.timedelta(days=rnd.randint(30, 900))).isoformat()
                    if lost
                    else r"\N",
                    "t" if is_mobile else "f",
                    rnd.choice(destinations) if is_mobile else "",
                    self.stamp if archived else r"\N",
                    "组织关系已转出" if archived else "",
                    self.stamp,
                    self.stamp,
                    org_id,
                    3,
                    "",
                    "",
                )
                yield "\t".join(str(f) for f in row) + "\n"

    def grant_rows(self, view_perm: int, life_perm: int) -> Iterator[str]:
        """Shared members: a grant of both permissions to a branch in another county."""
        rnd = random.Random(SEED + 1)
        grant_id = 0
        per_county = len(self.branches) // COUNTIES
        for member_id in rnd.sample(range(1, MEMBERS + 1), int(MEMBERS * SHARED_FRACTION)):
            home_county = (member_id - 1) // (MEMBERS // COUNTIES)
            other = (home_county + rnd.randint(1, COUNTIES - 1)) % COUNTIES
            org_id = self.branches[other * per_county + rnd.randrange(per_county)][0]
            for perm in (view_perm, life_perm):
                grant_id += 1
                yield f"{grant_id}\t{member_id}\t{self.group_of[org_id]}\t{perm}\n"


MEMBER_COLUMNS = (
    "id", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "id_number",
    "birth_date", "education", "personnel_category", "joined_on", "full_member_on",
    "membership", "job", "phone", "home_address", "household_registration", "residence",
    "employer", "standing", "lost_contact", "lost_contact_since", "is_mobile",
    "mobile_destination", "archived_at", "archive_reason", "created_at", "updated_at",
    "home_org_id", "report_every_months", "last_known_place", "name_reading",
)  # fmt: skip
ORG_COLUMNS = (
    "id", "path", "depth", "numchild", "name", "kind", "sector", "management_mode",
    "province_code", "city_code", "county_code", "address", "postcode", "phone", "hotline",
    "mailbox", "fax", "sms_phone", "is_active", "group_id", "created_at", "updated_at",
)  # fmt: skip
#: Everything the benchmark writes; CASCADE empties the tables that point at them.
TRUNCATE = (
    "members_member", "organizations_role", "organizations_organization", "auth_group",
    "core_user", "core_auditentry", "django_session",
)  # fmt: skip


def member_count(cur: Any) -> int:
    cur.execute("SELECT count(*) FROM members_member")
    row = cur.fetchone()
    return int(row[0]) if row else 0


def migrate(log: Log) -> None:
    started = time.monotonic()
    env = bench_environ()
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    subprocess.run(
        # --fake-initial: a benchmark database made before the migrations were regenerated as
        # one 0001_initial per app (issue 8) holds their tables already.
        [sys.executable, "manage.py", "migrate", "--noinput", "--fake-initial", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    log(f"  migrate: {time.monotonic() - started:.1f} s")


def _drop_member_indexes(cur: Any) -> list[str]:
    """Drop the member table's secondary indexes and constraints; return the DDL to restore."""
    return drop_indexes(cur, "members_member")


def drop_indexes(cur: Any, table: str) -> list[str]:
    """Drop `table`'s secondary indexes and its unique, check, foreign-key and exclusion
    constraints; return the DDL that restores them."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'c', 'f', 'x')",
        [table],
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = %s AND i.indexname NOT IN ("
        "  SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cur.fetchall()
    restore: list[str] = []
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    return restore


def _reset_sequence(cur: Any, table: str) -> None:
    cur.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"COALESCE((SELECT max(id) FROM {table}), 1))"
    )


def generate(log: Log = log_line) -> dict[str, int]:
    started = time.monotonic()
    conn = connect(BENCH_DB_NAME)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT now()")
            row = cur.fetchone()
            assert row is not None
            generator = Generator(row[0])
            log(f"  name pool and tree: {time.monotonic() - started:.1f} s")
            cur.execute(f"TRUNCATE {', '.join(TRUNCATE)} RESTART IDENTITY CASCADE")
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            restore = _drop_member_indexes(cur)
            _copy(cur, "auth_group", ("id", "name"), iter(generator.group_rows))
            orgs = _copy(cur, "organizations_organization", ORG_COLUMNS, iter(generator.org_rows))
            step = time.monotonic()
            members = _copy(
                cur, "members_member", MEMBER_COLUMNS, generator.member_rows(), freeze=True
            )
            log(f"  COPY {members:,} members: {time.monotonic() - step:.1f} s")
            step = time.monotonic()
            for ddl in restore:
                cur.execute(ddl)
            log(f"  indexes and constraints rebuilt: {time.monotonic() - step:.1f} s")
            cur.execute(
                "SELECT p.codename, p.id FROM auth_permission p "
                "JOIN django_content_type ct ON ct.id = p.content_type_id "
                "WHERE ct.app_label = 'members' AND ct.model = 'member'"
            )
            perms = dict(cur.fetchall())
            grants = _copy(
                cur,
                "members_membergroupobjectpermission",
                ("id", "content_object_id", "group_id", "permission_id"),
                generator.grant_rows(perms["view_member"], perms["record_member_life"]),
            )
            for table in (
                "auth_group",
                "organizations_organization",
                "members_member",
                "members_membergroupobjectpermission",
            ):
                _reset_sequence(cur, table)
        step = time.monotonic()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE: {time.monotonic() - step:.1f} s")
    finally:
        conn.close()
    log(
        f"generated {orgs:,} organizations, {members:,} members, {grants:,} grants "
        f"in {time.monotonic() - started:.1f} s"
    )
    return {"organizations": orgs, "members": members, "grants": grants}


def ensure(rebuild: bool = False, log: Log = log_line) -> None:
    """Make sure the benchmark database exists, is migrated and holds the data."""
    default_config()
    if ensure_database():
        log(f"created database {BENCH_DB_NAME}")
    migrate(log)
    conn = connect(BENCH_DB_NAME)
    try:
        with conn.cursor() as cur:
            count = member_count(cur)
    finally:
        conn.close()
    if count >= MEMBERS and not rebuild:
        log(f"{BENCH_DB_NAME} already holds {count:,} members: reused (--rebuild to regenerate)")
    else:
        log(f"generating province-scale data into {BENCH_DB_NAME} ...")
        generate(log)
    ensure_education(log)


def ensure_education(log: Log = log_line) -> None:
    """A year of meetings and attendance (benchmarks/education_data.py), unless already there:
    a database made before issue 10 gets its tables from `migrate` and its rows here."""
    from benchmarks.education_data import attendance_count, generate_education

    conn = connect(BENCH_DB_NAME)
    try:
        with conn.cursor() as cur:
            held = attendance_count(cur)
        conn.rollback()
        if held:
            log(f"{BENCH_DB_NAME} already holds attendance: reused")
            return
        log("generating a year of meetings and attendance ...")
        generate_education(conn, log)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rebuild", action="store_true", help="regenerate even if data exists")
    args = parser.parse_args(argv)
    ensure(rebuild=args.rebuild)


if __name__ == "__main__":
    main()
