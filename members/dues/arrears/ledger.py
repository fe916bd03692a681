"""The party dues ledger (党费收缴台账): for a year, one line per member on the register of the
organization the arrears page shows (its whole subtree: a county's, a township's, a branch's
members, the members its totals count), with the monthly standard, the amount paid for each of
the twelve months, the year's total, and the months and amount the member owes in that year;
and the official form's totals row.

The arrears page is the dues page that covers an organization and everything below it (the
sheet is one branch's month), so it is the page whose rows a county exports. Its `org` is read
as the page reads it, except that an organization outside the user's scope, which the page
answers with a 404, is ignored here and the page's default (the scope's first organization) is
written: editing the query string never widens an export. The page's "owing at least N
months" narrows its list of members in arrears, not the ledger, which is every member its
totals count. The year is the page's export form's (`year`, default: this year).

The lines are one SQL statement, set-based as the arrears totals are (`members.dues.queries`):
the paid months of the year summed per member and month, the owed months by the one definition
of what a member owes (`OWED_MONTHS_SET_SQL`) kept to the year, and the standard in force; read
through a server-side cursor, so a county's members never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from core.types import AnyUser
from ledgers.registry import IdNumbers, LedgerSource, OrgIndex, Selection
from ledgers.writer import Column, Ledger
from members.dues.arrears.forms import DuesLedgerForm
from members.dues.arrears.views import scope_roots
from members.dues.queries import jit_off
from members.models import Member
from members.models.dues_state import OWED_MONTHS_SET_SQL, dues_params, positional
from organizations.models import Organization

#: Rows fetched from the server-side cursor at a time.
CHUNK = 2_000

#: The ledger's lines (see the module's docstring). `scoped`: the subtree's members on the
#: register; `paid`: their paid months of the year (voided payments aside) summed per month;
#: `owed`: their owed months of the year; `standard`: the standard in force in `%(ref)s`, relief
#: applied as `members.models.dues_state` applies it.
_LINES_SQL = """
WITH scoped AS MATERIALIZED (
    SELECT m.id, m.name, m.name_pinyin, m.home_org_id, o.path
    FROM members_member m
    JOIN organizations_organization o ON o.id = m.home_org_id
    WHERE o.path LIKE %(prefix)s AND m.archived_at IS NULL
), paid AS (
    SELECT p.member_id, {months} sum(p.amount) AS total
    FROM members_duespaidmonth p
    WHERE NOT p.voided AND p.member_id IN (SELECT id FROM scoped)
      AND p.month >= %(first)s AND p.month < %(after)s
    GROUP BY p.member_id
), owed AS (
    SELECT w.member_id, count(*) AS months_owed, sum(w.amount) AS amount_owed
    FROM ({owed}) w
    WHERE w.month >= %(first)s AND w.month < %(after)s
    GROUP BY w.member_id
), standard AS (
    SELECT DISTINCT ON (st.member_id) st.member_id,
           CASE WHEN st.relief <> 'none'
                     AND (st.relief_until IS NULL OR %(ref)s::date <= st.relief_until)
                THEN CASE WHEN st.relief = 'exempt' THEN 0 ELSE st.relief_amount END
                ELSE st.amount END AS amount
    FROM members_duesstandard st
    WHERE st.member_id IN (SELECT id FROM scoped) AND st.effective_from <= %(ref)s
    ORDER BY st.member_id, st.effective_from DESC
)
SELECT s.name, s.home_org_id, sd.amount, {paid_out} COALESCE(p.total, 0),
       COALESCE(w.months_owed, 0), COALESCE(w.amount_owed, 0)
FROM scoped s
LEFT JOIN paid p ON p.member_id = s.id
LEFT JOIN owed w ON w.member_id = s.id
LEFT JOIN standard sd ON sd.member_id = s.id
ORDER BY s.path, s.name_pinyin, s.id
"""

MONTHS = range(1, 13)
#: The names of a line's values, in the statement's order.
FIELDS = (
    "name",
    "home_org_id",
    "standard",
    *(f"m{n}" for n in MONTHS),
    "total",
    "months_owed",
    "amount_owed",
)


def lines_sql(root: Organization, year: int, today: dt.date) -> tuple[str, list[Any]]:
    """The statement of the ledger of `root`'s subtree for `year` as of `today`, and its
    parameters. Months before `today`'s are due (the current month is not overdue until it is
    over), so a past year is due whole, the current year up to last month, a later one not
    at all; the standard shown is the one in force in the year's last month that has begun."""
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    this_month = today.replace(day=1)
    ref = min(max(this_month, first), dt.date(year, 12, 1))
    months = "".join(
        f"sum(p.amount) FILTER (WHERE p.month = make_date({int(year)}, {n}, 1)) AS m{n}, "
        for n in MONTHS
    )
    paid_out = "".join(f"p.m{n}, " for n in MONTHS)
    owed = OWED_MONTHS_SET_SQL.format(members="SELECT id FROM scoped", alias="dm")
    return positional(
        _LINES_SQL.format(months=months, paid_out=paid_out, owed=owed),
        dues_params(min(today, after), prefix=root.path + "%", first=first, after=after, ref=ref),
    )


def read_lines(sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    """The statement's rows as dicts, fetched CHUNK at a time from a server-side cursor (a
    plain one where the deployment disables them, as Django's own `iterator` does), with JIT
    off for the read (`jit_off`: the due months' `generate_series` misleads the planner)."""
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with jit_off():
        cursor = connection.chunked_cursor() if server_side else connection.cursor()
        with cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                for row in rows:
                    yield dict(zip(FIELDS, row, strict=True))


def dues_ledger(year: int, orgs: OrgIndex) -> Ledger:
    month = pgettext("dues ledger", "Month %(month)d")
    return Ledger(
        title=_("Party dues ledger for %(year)d") % {"year": year},
        sheet=pgettext_lazy("dues ledger", "Party dues"),
        columns=(
            Column(pgettext_lazy("dues ledger", "Name"), "name", width=10),
            Column(
                pgettext_lazy("dues ledger", "Branch"),
                lambda r: orgs.name(r["home_org_id"]),
                width=20,
            ),
            Column(
                pgettext_lazy("dues ledger", "Monthly standard (yuan)"),
                "standard",
                width=10,
                kind="amount",
                total=True,
            ),
            # A month nothing was paid for is an empty cell.
            *(
                Column(month % {"month": n}, f"m{n}", width=8, kind="amount", total=True)
                for n in MONTHS
            ),
            Column(
                pgettext_lazy("dues ledger", "Paid in the year (yuan)"),
                "total",
                width=11,
                kind="amount",
                total=True,
            ),
            Column(
                pgettext_lazy("dues ledger", "Months owed"),
                "months_owed",
                width=8,
                kind="int",
                total=True,
            ),
            Column(
                pgettext_lazy("dues ledger", "Amount owed (yuan)"),
                "amount_owed",
                width=10,
                kind="amount",
                total=True,
            ),
        ),
    )


class DuesSource(LedgerSource):
    key = "dues"
    title = pgettext_lazy("dues ledger", "Party dues ledger")
    list_url = "members:dues_arrears"
    has_id_numbers = False

    def select(self, user: AnyUser, data: QueryDict, ids: IdNumbers) -> Selection:
        form = DuesLedgerForm(data or None)
        today = timezone.localdate()
        year: int = form.value("year") or today.year
        chosen: Organization | None = None
        org_id = form.value("org")
        if org_id is not None:
            chosen = Organization.objects.visible_to(user).filter(pk=org_id).first()
        root = chosen or next(iter(scope_roots(user)), None)
        words = [f"{pgettext('dues ledger', 'Year')}：{year}"]
        if chosen is not None:
            words.append(f"{_('Organization')}：{chosen.name}")
        orgs = OrgIndex()
        ledger = dues_ledger(year, orgs)
        if root is None:  # no organization in scope: nothing to write
            return Selection(ledger=ledger, rows=lambda: iter(()), count=lambda: 0, words=words)
        sql, params = lines_sql(root, year, today)
        members = Member.objects.active().filter(home_org__path__startswith=root.path)
        return Selection(
            ledger=ledger,
            rows=lambda: read_lines(sql, params),
            count=members.count,
            words=words,
            organization=root,
        )


LEDGERS = (DuesSource(),)
