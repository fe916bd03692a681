"""The ledgers at province scale (issue 13): the roster of a million members written end to end
against the raw writer, the two writers against each other, and a member import against the
raw read of its file.

    python -m benchmarks.ledgers [--limit N] [--import-rows 10000] [--skip-roster]

Each measurement runs in a process of its own (so that its peak memory is its own):

- roster: `ledgers.exports.write` as the export task runs it, for the province officer (every
  active member, full ID-card numbers), to a file;
- floor-xlsxwriter (the floor: our writer is XlsxWriter): the same columns read with one
  hand-written query on a psycopg2 server-side cursor and written as they come into
  XlsxWriter's constant-memory workbook (dates with a date format);
- floor-openpyxl: the same rows appended as plain tuples to an openpyxl write-only workbook
  (lxml installed), the other writer the issue asks us to weigh;
- import-read: openpyxl's read-only iteration of a 10,000-row member template (the raw read);
- import-check: `ledgers.imports.check` of the same file (read, every row through MemberForm),
  then import-commit: `ledgers.imports.commit` (check again, then every row's action), rolled
  back.

Peak memory is the process's peak resident set (getrusage) less its size before the
measurement. Results are printed and written to benchmarks/results/ledgers-*.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.db import BASE_DIR, BENCH_DB_NAME, bench_environ, connect

RESULTS_DIR = BASE_DIR / "benchmarks" / "results"

RAW_ROSTER = """
SELECT m.name, m.gender, m.ethnicity, m.id_number, m.birth_date, m.education,
       m.personnel_category, o.name, m.joined_on, m.full_member_on, m.job, m.phone,
       m.home_address, m.standing, m.lost_contact, m.lost_contact_since, m.is_mobile,
       m.mobile_destination
FROM members_member m JOIN organizations_organization o ON o.id = m.home_org_id
WHERE m.archived_at IS NULL
ORDER BY o.path, m.name_pinyin, m.id
"""


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _raw_rows(limit: int | None) -> Any:
    conn = connect(BENCH_DB_NAME)
    cur = conn.cursor(name="roster")
    cur.itersize = 2000
    cur.execute(RAW_ROSTER + (f" LIMIT {int(limit)}" if limit else ""))
    return conn, cur


def child_floor_openpyxl(limit: int | None, out: Path) -> dict[str, Any]:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    before = _rss_kb()
    started = time.perf_counter()
    conn, cur = _raw_rows(limit)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    rows = 0
    for row in cur:
        sheet.append(row)
        rows += 1
    book.save(out)
    conn.close()
    return _result(rows, started, before, out)


def child_floor_xlsxwriter(limit: int | None, out: Path) -> dict[str, Any]:
    import xlsxwriter  # type: ignore[import-untyped]

    before = _rss_kb()
    started = time.perf_counter()
    conn, cur = _raw_rows(limit)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    write_string, write_datetime = sheet.write_string, sheet.write_datetime
    write_boolean, write_number = sheet.write_boolean, sheet.write_number
    rows = 0
    for row in cur:
        # Each value straight to the cell writer of its type (XlsxWriter's generic `write`
        # sniffs the type of every value: slower than our writer's direct calls).
        for column, value in enumerate(row):
            if value is None:
                continue
            if type(value) is str:
                write_string(rows, column, value)
            elif type(value) is bool:
                write_boolean(rows, column, value)
            elif isinstance(value, dt.date):
                write_datetime(rows, column, value, date)
            else:
                write_number(rows, column, value)
        rows += 1
    book.close()
    conn.close()
    return _result(rows, started, before, out)


def child_roster(limit: int | None, out: Path) -> dict[str, Any]:
    from benchmarks.run import bench_scopes, setup_django

    setup_django()
    from ledgers import exports, registry
    from ledgers.models import ExportJob

    _scopes, users = bench_scopes()
    user = users["province"]
    job = ExportJob(ledger="roster", title="党员花名册", requested_by=user, full_ids=True)
    selection = exports.select(job, user)
    if limit:
        rows_of = selection.rows

        def limited() -> Any:
            for index, row in enumerate(rows_of()):
                if index >= limit:
                    return
                yield row

        selection = registry.Selection(
            ledger=selection.ledger, rows=limited, count=lambda: limit, words=selection.words
        )
    before = _rss_kb()
    started = time.perf_counter()
    with open(out, "wb") as handle:
        rows = exports.write(job, user, handle, selection=selection)
    return _result(rows, started, before, out)


def _result(rows: int, started: float, before_kb: int, out: Path | None) -> dict[str, Any]:
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else 0,
        "rss_before_mb": round(before_kb / 1024, 1),
        "peak_growth_mb": round((_peak_kb() - before_kb) / 1024, 1),
        "file_mb": round(out.stat().st_size / 1024 / 1024, 1) if out else None,
    }


def child_import(rows: int, out: Path) -> dict[str, Any]:
    """Write a member template of `rows` new members, then time the raw read, the check and
    the commit (rolled back)."""
    from benchmarks.run import bench_scopes, setup_django

    setup_django()
    from django.db import transaction
    from openpyxl import Workbook, load_workbook

    from ledgers import imports
    from organizations.models import Organization, RoleKind
    from tests.factories import make_id_number

    _scopes, users = bench_scopes()
    user = users["county"]
    spec = imports.get("members")
    assert spec is not None
    branch = (
        Organization.objects.filter(
            path__startswith=user.roles.get(kind=RoleKind.TOWNSHIP_OFFICER).organization.path,
            kind="branch",
        )
        .order_by("path")
        .first()
    )
    assert branch is not None
    headers = [str(column.header) for column in spec.columns]
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for n in range(rows):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000)
        number = make_id_number(birth, sequence=n % 400, gender="M", region="659001")
        values = {
            "姓名": f"导入{n}",
            "民族": "汉族",
            "公民身份号码": number,
            "学历": "大学本科",
            "人员类别": "外出务工人员",
            "所在党支部": branch.name,
            "入党日期": birth + dt.timedelta(days=25 * 366),
            "转为正式党员日期": birth + dt.timedelta(days=26 * 366),
            "联系电话": f"139{n:08d}",
            "家庭住址": "某县某镇某村",
        }
        sheet.append([values.get(header) for header in headers])
    book.save(out)
    size = out.stat().st_size
    result: dict[str, Any] = {"rows": rows, "file_mb": round(size / 1024 / 1024, 2)}

    started = time.perf_counter()
    book = load_workbook(out, read_only=True)
    read = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    result["read_s"] = round(time.perf_counter() - started, 3)
    result["read_rows"] = read

    with open(out, "rb") as handle:
        started = time.perf_counter()
        checked = imports.check(spec, user, handle, size)
        result["check_s"] = round(time.perf_counter() - started, 3)
    result["problems"] = len(checked.problems)
    result["first_problems"] = [p.as_dict() for p in checked.problems[:3]]
    result["counts"] = checked.counts

    class RollbackError(Exception):
        """Raised to undo the timed commit."""

    with open(out, "rb") as handle:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                imports.commit(spec, user, handle, size)
                result["commit_s"] = round(time.perf_counter() - started, 3)
                raise RollbackError
        except RollbackError:
            pass
    result["check_vs_read"] = round(result["read_s"] / result["check_s"], 3)
    result["commit_vs_read"] = round(result["read_s"] / result["commit_s"], 3)
    return result


CHILDREN = {
    "roster": child_roster,
    "floor-openpyxl": child_floor_openpyxl,
    "floor-xlsxwriter": child_floor_xlsxwriter,
}


def _child(name: str, arg: str, out: Path) -> dict[str, Any]:
    env = bench_environ()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.ledgers",
            "--child",
            name,
            "--arg",
            arg,
            "--out",
            str(out),
        ],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{proc.stderr.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="roster rows (0: all)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--skip-roster", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--writers",
        default="floor-openpyxl,roster,floor-xlsxwriter",
        help="which roster measurements, in this order (the ratios need all three)",
    )
    parser.add_argument("--child", default="")
    parser.add_argument("--arg", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    if args.child:
        out = Path(args.out)
        if args.child == "import":
            print(json.dumps(child_import(int(args.arg), out)))
        else:
            print(json.dumps(CHILDREN[args.child](int(args.arg) or None, out)))
        return
    from benchmarks.db import default_config

    default_config()
    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_roster:
            # Interleaved: a floor, ours, the other floor.
            for name in args.writers.split(","):
                results[name] = _child(name, str(args.limit), Path(folder) / f"{name}.xlsx")
                print(name, results[name], flush=True)
                (Path(folder) / f"{name}.xlsx").unlink(missing_ok=True)
            # Ours writes with XlsxWriter: its raw writer is the floor.
            rate = {name: results[name]["rows_per_s"] for name in args.writers.split(",")}
            if {"roster", "floor-xlsxwriter"} <= set(rate):
                results["roster_vs_floor"] = round(rate["roster"] / rate["floor-xlsxwriter"], 3)
            if {"roster", "floor-openpyxl"} <= set(rate):
                results["roster_vs_openpyxl"] = round(rate["roster"] / rate["floor-openpyxl"], 3)
            if {"floor-xlsxwriter", "floor-openpyxl"} <= set(rate):
                results["xlsxwriter_vs_openpyxl"] = round(
                    rate["floor-xlsxwriter"] / rate["floor-openpyxl"], 3
                )
        if not args.skip_import:
            results["import"] = _child(
                "import", str(args.import_rows), Path(folder) / "import.xlsx"
            )
            print("import", results["import"], flush=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"ledgers-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
