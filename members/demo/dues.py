# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""Two years of dues in the demo county (issue 11): standards, payments, realistic arrears.

Every active member in good standing gets a standard from January of last year (or from the
month they joined, if later: probationary members pay from the month they are admitted, the 2008
rules art. 4) and again from January of this year (the yearly review, on a slightly higher
income for most), in the category their personnel category suggests. A few have a reduction or
an exemption approved for this year.

Most members are paid up to last month or this month (monthly, quarterly, a few half-yearly or
for the whole year ahead); some are a few months behind; a few six months or more, mostly the
members the demo shows out of touch (the party constitution art. 9: six months unpaid without a
proper reason is treated as leaving the party). Members checked in with an inflow organization
in the system pay there since they arrived, recorded by that organization's login.

Written through the actions (`members.builders`) where it is a handful: the reliefs and the
payments at inflow organizations. The rest, two years of about four thousand members' standards
and payments, is written in bulk (COPY): through the actions it would add minutes to `seed_demo`,
and even bulk_create some twenty seconds. The bulk rows are built as the actions build them (the
amounts by the band in force, a `DuesPaidMonth` per month a payment covers, receipt numbers
unique per organization), but they are not audited: the audit trail records people's writes,
and these are the demo's made-up past.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from core.demo import SEED, DemoContext
from core.models import User
from members.builders import pay_dues, set_dues_standard
from members.dues.actions import payment_places
from members.dues.rules import band_for, county_of, standard_amount
from members.models import (
    DuesCategory,
    DuesMethod,
    DuesPaidMonth,
    DuesPayment,
    DuesRate,
    DuesRelief,
    DuesStandard,
    EpisodeStatus,
    Member,
    MobilityEpisode,
    PersonnelCategory,
    Standing,
)
from members.models.choices import DUES_CATEGORY_OF
from members.models.dues import add_months, to_fen
from organizations.demo import DemoCounty
from organizations.models import Organization

#: Who receives the dues at a branch (its organization committee member, 组织委员).
COLLECTORS = (
    "陈国平", "王丽华", "张建军", "李红梅", "刘志强", "杨秀兰", "黄伟", "周敏", "吴海燕",
    "徐建国", "孙桂芳", "胡晓东", "朱丽娟", "高建平", "林小燕", "何志明",
)  # fmt: skip
#: Reasons for a reduction or exemption (the 2008 rules art. 8: hardship, on approval).
REDUCED_REASONS = ("本人患重病，医疗支出较大，生活困难", "家庭遭受重大变故，经济困难")
EXEMPT_REASONS = ("享受最低生活保障，生活困难", "年老体弱、无固定收入，生活十分困难")


@dataclass(frozen=True)
class DemoDues:
    """What the dues part made."""

    standards: int
    payments: int


@dataclass
class _Plan:
    """One member's dues: their standards (oldest first) and how they pay."""

    member: Member
    standards: list[DuesStandard] = field(default_factory=list)
    #: The last month paid (None: nothing paid).
    paid_through: dt.date | None = None
    #: Months a payment covers: 1, 3, 6 or 12 (aligned on the calendar: quarters, halves).
    every: int = 1
    method: str = DuesMethod.CASH
    #: Where the member is checked in with an inflow organization in the system, and since when
    #: (the months from then on are paid there).
    inflow: Organization | None = None
    inflow_from: dt.date | None = None
    arrived_on: dt.date | None = None
    #: A farmer's amount in the fixed range (the branch picks it; it stays from year to year).
    chosen: Decimal | None = None

    def amount_in(self, month: dt.date) -> Decimal | None:
        current = [s for s in self.standards if s.effective_from <= month]
        return current[-1].amount_in(month) if current else None


class _Receipts:
    """Receipt numbers, unique per organization: the year and a counter of the organization."""

    def __init__(self) -> None:
        self.counters: dict[int, int] = defaultdict(int)

    def next(self, org_id: int, paid_on: dt.date) -> str:
        self.counters[org_id] += 1
        return f"{paid_on.year}-{self.counters[org_id]:05d}"


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the table's sequence, for rows written by `_copy` that others point to."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _line(*values: object) -> str:
    """A row in COPY's text format (the demo's values hold no tab, newline or backslash)."""
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def _copy(model: type[models.Model], fields: tuple[str, ...], lines: Iterable[str]) -> None:
    """Rows of `model` (`_line`s of the values of `fields`) written by COPY: bulk_create's SQL
    building takes many seconds for the demo's tens of thousands of payments. No validation, no
    audit: the rows are built as the actions build them (see the module's docstring)."""
    meta = model._meta
    concrete = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(concrete[f]) for f in fields)
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    with connection.cursor() as cursor:
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        cursor.cursor.copy_expert(sql, buffer)


class _Dues:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        # Its own generator: the parts after this one draw what they drew before dues existed.
        self.rnd = random.Random(f"{SEED}-dues")  # noqa: S311 - made-up demo data
        self.today = ctx.today
        self.this_month = ctx.today.replace(day=1)
        self.last_month = add_months(self.this_month, -1)
        self.january = dt.date(ctx.today.year, 1, 1)
        self.last_january = dt.date(ctx.today.year - 1, 1, 1)
        self.county = ctx.get("county", DemoCounty)
        self.receipts = _Receipts()
        names = ("station", "secretary2", "secretary", "town", "county")
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        #: The logins that may record at an inflow organization, the closest first.
        self.inflow_recorders = [users[name] for name in names if name in users]
        self.recorders = {
            self.county.secretary_branch.pk: users.get("secretary", ctx.admin),
            self.county.secretary2_branch.pk: users.get("secretary2", ctx.admin),
        }
        self.rates: dict[dt.date, list[DuesRate]] = {}

    # --- standards -----------------------------------------------------------------------------

    def _rates(self, month: dt.date) -> list[DuesRate]:
        if month not in self.rates:
            self.rates[month] = DuesRate.objects.in_force(county_of(self.county.county), month)
        return self.rates[month]

    def _income(self, member: Member) -> Decimal:
        """A monthly after-tax income (the pension for retirees), to the fen."""
        rnd = self.rnd
        if member.personnel_category == PersonnelCategory.RETIRED:
            low, high = 2000, 6000
        elif rnd.random() < 0.06:
            low, high = 10000, 16000
        elif member.personnel_category in (
            PersonnelCategory.CIVIL_SERVANT,
            PersonnelCategory.PROFESSIONAL,
        ):
            low, high = 4500, 9000
        elif member.personnel_category == PersonnelCategory.WORKER:
            low, high = 3200, 7500
        else:
            low, high = 2500, 8000
        return Decimal(rnd.randint(low * 10, high * 10)) / 10

    def _category(self, member: Member) -> str:
        category = DUES_CATEGORY_OF.get(member.personnel_category, DuesCategory.SALARIED)
        if category in (DuesCategory.UNEMPLOYED, DuesCategory.FARMER) and self.rnd.random() < 0.05:
            return DuesCategory.MINIMUM_LIVING
        return category

    def _standard(
        self, plan: _Plan, month: dt.date, category: str, income: Decimal | None
    ) -> DuesStandard:
        """The standard `do_set_standard` would write (no relief)."""
        member, chosen = plan.member, plan.chosen
        rate = band_for(self._rates(month), category, income)
        return DuesStandard(
            member=member,
            effective_from=month,
            category=category,
            base_income=income if not rate.is_fixed else None,
            rate=rate,
            amount=standard_amount(rate, income, chosen),
            set_by=self.ctx.admin,
        )

    def standards(self, members: list[Member]) -> tuple[list[_Plan], int]:
        """Every member's standards: bulk-created, but for the reliefs (through the action)."""
        plans: list[_Plan] = []
        relieved: list[tuple[_Plan, str, Decimal]] = []
        rows: list[DuesStandard] = []
        for member in members:
            plan = _Plan(member)
            plans.append(plan)
            category = self._category(member)
            income = self._income(member)
            if category == DuesCategory.FARMER:
                plan.chosen = self.rnd.choice((Decimal("0.20"), Decimal("0.50"), Decimal("1.00")))
            first = max(self.last_january, member.joined_on.replace(day=1))
            if first < self.january:
                plan.standards.append(self._standard(plan, first, category, income))
                # The yearly review: most earn a little more than last year.
                if self.rnd.random() < 0.8:
                    income = to_fen(income * Decimal(self.rnd.randint(1000, 1080)) / 1000)
            relief = self.rnd.random()
            if category == DuesCategory.RETIRED and relief < 0.012:
                relieved.append((plan, category, income))
                continue
            if category in (DuesCategory.FARMER, DuesCategory.MINIMUM_LIVING) and relief < 0.02:
                relieved.append((plan, category, income))
                continue
            plan.standards.append(self._standard(plan, max(self.january, first), category, income))
        for plan in plans:
            rows.extend(plan.standards)
        now = timezone.now()
        ids = _next_ids(DuesStandard, len(rows))
        for pk, row in zip(ids, rows, strict=True):
            row.pk = pk
        _copy(
            DuesStandard,
            ("id", "member", "effective_from", "category", "base_income", "rate", "amount",
             "relief", "relief_reason", "relief_approved_by", "note", "set_by", "created_at"),
            (_line(row.pk, row.member_id, row.effective_from, row.category, row.base_income,
                   row.rate_id, row.amount, row.relief, "", "", "", row.set_by_id, now)
             for row in rows),
        )  # fmt: skip
        for plan, category, income in relieved:
            plan.standards.append(self._relieve(plan.member, category, income))
        return plans, len(rows) + len(relieved)

    def _relieve(self, member: Member, category: str, income: Decimal) -> DuesStandard:
        """This year's standard with a reduction (retirees) or an exemption, approved by the
        township committee in January (the 2008 rules art. 8)."""
        township = next(
            (a for a in member.home_org.ancestors_and_self() if a in self.county.townships),
            self.county.county,
        )
        approved = max(self.january + dt.timedelta(days=self.rnd.randint(5, 25)), member.joined_on)
        relief: dict[str, object] = {
            "relief_approved_by": f"{township.name}（党委会议研究同意）",
            "relief_approved_on": min(approved, self.today),
        }
        if category == DuesCategory.RETIRED:
            relief |= {
                "relief": DuesRelief.REDUCED,
                "relief_amount": Decimal("1.00"),
                "relief_reason": self.rnd.choice(REDUCED_REASONS),
            }
        else:
            reason = self.rnd.choice(EXEMPT_REASONS)
            relief |= {"relief": DuesRelief.EXEMPT, "relief_reason": reason}
        return set_dues_standard(
            member,
            actor=self.ctx.admin,
            category=category,
            base_income=income if category == DuesCategory.RETIRED else None,
            from_month=self.january,
            **relief,
        )

    # --- how each member pays ------------------------------------------------------------------

    def arrange(self, plans: list[_Plan]) -> None:
        """How far each member has paid and how: most paid up, some behind, a few six months or
        more (the members out of touch first)."""
        checked_in = {
            e.member_id: e
            for e in MobilityEpisode.objects.filter(
                status=EpisodeStatus.CHECKED_IN, inflow_org__isnull=False
            ).select_related("inflow_org")
        }
        for plan in plans:
            member, rnd = plan.member, self.rnd
            plan.every = rnd.choices((1, 3, 6, 12), weights=(52, 34, 6, 8))[0]
            away = member.is_mobile
            if away:
                # Far from home: paid by transfer or online, a quarter or more at a time.
                plan.every = rnd.choice((3, 3, 6, 12))
                plan.method = rnd.choice((DuesMethod.TRANSFER, DuesMethod.ONLINE))
            elif rnd.random() < 0.2:
                plan.method = DuesMethod.ONLINE
            episode = checked_in.get(member.pk)
            if episode is not None:
                plan.inflow = episode.inflow_org
                assert episode.checked_in_on is not None
                plan.inflow_from = episode.checked_in_on.replace(day=1)
                plan.arrived_on = episode.checked_in_on
                plan.every = 3
                plan.method = DuesMethod.CASH
            draw = rnd.random()
            if member.lost_contact and member.lost_contact_since is not None:
                # Stopped paying when they were lost, or a little before.
                lost = member.lost_contact_since.replace(day=1)
                plan.paid_through = add_months(min(lost, self.last_month), -rnd.randint(0, 2))
            elif draw < (0.04 if away else 0.01):
                plan.paid_through = add_months(self.this_month, -1 - rnd.randint(6, 14))
            elif draw < (0.25 if away else 0.14):
                plan.paid_through = add_months(self.this_month, -1 - rnd.randint(1, 5))
            else:
                plan.paid_through = self._paid_up_to(plan.every)

    def _paid_up_to(self, every: int) -> dt.date:
        """The last month paid by a member who is paid up: last month or this month, or the end
        of the period their payments cover (a quarter, a half, the year)."""
        if every == 1:
            return self.this_month if self.rnd.random() < 0.4 else self.last_month
        # The period holding last month (paid at its start), or the next one once it started.
        month = self.this_month if self.rnd.random() < 0.5 else self.last_month
        start = month.replace(month=(month.month - 1) // every * every + 1)
        return add_months(start, every - 1)

    # --- payments ------------------------------------------------------------------------------

    def _chunks(self, plan: _Plan) -> Iterator[tuple[dt.date, list[Decimal]]]:
        """The payments a plan makes: (first month, the months' amounts), consecutive months due
        (an exempt month breaks a payment), cut at the calendar's periods of `every` months."""
        if plan.paid_through is None or not plan.standards:
            return
        month = plan.standards[0].effective_from
        first: dt.date | None = None
        amounts: list[Decimal] = []
        while month <= plan.paid_through:
            amount = plan.amount_in(month)
            at_inflow = plan.inflow_from is not None and month == plan.inflow_from
            period_start = (month.month - 1) % plan.every == 0
            if first is not None and (not amount or period_start or at_inflow):
                yield first, amounts
                first, amounts = None, []
            if amount:
                if first is None:
                    first = month
                amounts.append(amount)
            month = add_months(month, 1)
        if first is not None:
            yield first, amounts

    def _paid_on(self, first: dt.date) -> dt.date:
        """Paid in the first month it covers (today at the latest); some a little later."""
        day = first + dt.timedelta(days=self.rnd.randint(2, 27))
        return min(day, self.today)

    def payments(self, plans: list[_Plan]) -> int:
        """The payments at home bulk-written, their months with them; those at an inflow
        organization through the action, by its login."""
        payments: list[tuple[object, ...]] = []
        months: list[tuple[int, int, dt.date, Decimal]] = []
        at_inflow: list[tuple[_Plan, dt.date, int]] = []
        now = timezone.now()
        for plan in plans:
            member = plan.member
            org = member.home_org
            recorder = self.recorders.get(org.pk, self.ctx.admin).pk
            for first, amounts in self._chunks(plan):
                if plan.inflow_from is not None and first >= plan.inflow_from:
                    at_inflow.append((plan, first, len(amounts)))
                    continue
                paid_on = self._paid_on(first)
                reference = ""
                if plan.method != DuesMethod.CASH:
                    prefix = "WX" if plan.method == DuesMethod.ONLINE else "YH"
                    reference = f"{prefix}{paid_on:%Y%m%d}{member.pk:06d}"
                payments.append(
                    (
                        member.pk,
                        org.pk,
                        first,
                        len(amounts),
                        sum(amounts, Decimal(0)),
                        plan.method,
                        reference,
                        paid_on,
                        COLLECTORS[org.pk % len(COLLECTORS)],
                        self.receipts.next(org.pk, paid_on),
                        "",
                        recorder,
                        now,
                        "",
                    )
                )
                months.extend(
                    (len(payments) - 1, member.pk, add_months(first, i), amount)
                    for i, amount in enumerate(amounts)
                )
        ids = _next_ids(DuesPayment, len(payments))
        _copy(
            DuesPayment,
            ("id", "member", "org", "first_month", "months", "amount", "method", "reference",
             "paid_on", "received_by", "receipt_number", "note", "recorded_by", "created_at",
             "void_reason"),
            (_line(pk, *row) for pk, row in zip(ids, payments, strict=True)),
        )  # fmt: skip
        _copy(
            DuesPaidMonth,
            ("payment", "member", "month", "amount", "voided"),
            (f"{ids[i]}\t{member}\t{month}\t{amount}\tf\n" for i, member, month, amount in months),
        )
        for plan, first, count in at_inflow:
            self._pay_at_inflow(plan, first, count)
        return len(payments) + len(at_inflow)

    def _pay_at_inflow(self, plan: _Plan, first: dt.date, count: int) -> None:
        """A payment at the inflow organization, recorded there by a login that works for it."""
        assert plan.inflow is not None
        actor = next(
            (u for u in self.inflow_recorders if plan.inflow in payment_places(u, plan.member)),
            self.ctx.admin,
        )
        assert plan.arrived_on is not None
        paid_on = min(max(self._paid_on(first), plan.arrived_on), self.today)
        pay_dues(
            plan.member,
            actor=actor,
            first_month=first,
            months=count,
            org=plan.inflow,
            paid_on=paid_on,
            receipt_number=self.receipts.next(plan.inflow.pk, paid_on),
        )


def create_dues(ctx: DemoContext) -> DemoDues:
    """Standards and payments for the demo's members."""
    members = list(
        Member.objects.active()
        .filter(standing=Standing.NORMAL)
        .select_related("home_org")
        .order_by("id")
    )
    dues = _Dues(ctx)
    plans, standards = dues.standards(members)
    dues.arrange(plans)
    return DemoDues(standards=standards, payments=dues.payments(plans))


__all__ = ["DemoDues", "create_dues"]
