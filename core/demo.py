# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county 青山县: the registry of the apps' demo builders and what they share.

Each app that has something to show registers a `DemoPart` in its `AppConfig.ready()`;
`manage.py seed_demo` builds them in INSTALLED_APPS order (an app builds on the apps above it),
in one transaction, in the deployment's language, with notices held in the app. The parts share
one `DemoContext`: the seeded random generator and Faker (two builds on the same day give the
same county; dates are relative to today), the scale, the admin user, the generators whose
values must be unique across apps (phone numbers), and the named things a later part needs
(`put` and `get`).

Everything is written through the project's actions (validated and audited like any other
write), except the demo logins, which must not be asked to change their password.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone, translation
from faker import Faker

from core.models import User, acting_as, filed_under, held, record_event
from core.validators import validate_mobile_phone

T = TypeVar("T")

SEED = 2026
PROVINCE, CITY, COUNTY = "330000", "330100", "330122"
REGION = "浙江省杭州市青山县"

DEMO_PASSWORD = "demo12345"  # noqa: S105 - public by design: demo data only

#: Username, full name, phone. Order is the order `demo_logins` prints them in. Only
#: `seed_demo` creates these accounts, and `demo_logins` lists only these names, so a real
#: deployment that never ran `seed_demo` shows nothing.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", "系统管理员", "13957100000"),
    ("county", "周卫东", "13957100001"),
    ("inspector", "孙丽萍", "13957100002"),
    ("town", "李秀英", "13957100003"),
    ("secretary", "王建华", "13957100004"),
    ("secretary2", "刘晓燕", "13957100005"),
    ("station", "赵明辉", "13957100006"),
)
DEMO_USERNAMES = tuple(username for username, _, _ in DEMO_ACCOUNTS)

# The county's streets and trades: addresses and employers of organizations and members alike.
ROADS = (
    "府前路", "人民路", "解放路", "文昌路", "望江路", "迎春路", "滨江路", "春江路", "学府路",
    "健康路", "新华路", "中山路", "桐君路", "白云路", "青溪路", "东兴路", "梅林路", "富春路",
    "开元路", "创业大道", "科技路", "工业路",
)  # fmt: skip
INDUSTRIES = (
    "竹木制品", "茶业", "针织", "服装", "五金", "机械", "电子", "新材料", "建材", "物流", "食品",
    "纸业", "塑料", "制笔", "旅游开发", "农业开发",
)  # fmt: skip
BRAND_CHARS = "青山华鑫盛达宏远恒泰富源金诚永安汇通瑞丰嘉禾天宇东方新锐卓越博文"
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)  # fmt: skip


class Scale(enum.StrEnum):
    #: `make run`'s county: 155 organizations, about 4,000 members.
    FULL = "full"
    #: 15 organizations and about a hundred members, with every state: for the tests.
    SMALL = "small"


@dataclass
class DemoContext:
    """What the parts of one build share."""

    scale: Scale
    #: Progress lines for the person running the command.
    write: Callable[[str], object]
    today: dt.date = field(default_factory=timezone.localdate)
    rnd: random.Random = field(default_factory=lambda: random.Random(SEED))
    fake: Faker = field(init=False)
    #: The superuser every part acts as.
    admin: User = field(init=False)
    #: The record the "demo.seeded" audit entry is filed on (the tree's root).
    record_on: models.Model | None = None
    _password_hash: str = field(init=False, repr=False)
    _phones: set[str] = field(default_factory=set, repr=False)
    _named: dict[str, object] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        Faker.seed(SEED)
        self.fake = Faker("zh_CN")
        # One hash for every demo account: hashing is deliberately slow (~0.3 s each) and the
        # password is public anyway.
        self._password_hash = make_password(DEMO_PASSWORD)
        self.admin = self.new_user("admin", superuser=True)

    @property
    def small(self) -> bool:
        return self.scale == Scale.SMALL

    # --- what one part hands to the next -------------------------------------------------------

    def put(self, name: str, value: object) -> None:
        self._named[name] = value

    def get(self, name: str, kind: type[T]) -> T:
        value = self._named[name]
        assert isinstance(value, kind), f"{name} is a {type(value).__name__}, not {kind.__name__}"
        return value

    # --- dates --------------------------------------------------------------------------------

    def years_before(self, day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February: the 28th is still at least `years` before
            return day.replace(year=day.year - years, day=28)

    def years_after(self, day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February: the years are complete only on 1 March
            return dt.date(day.year + years, 3, 1)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rnd.randint(0, max((end - start).days, 0)))

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    # --- made-up contact details and names ----------------------------------------------------

    def landline(self) -> str:
        return f"0571-64{self.rnd.randrange(100000, 999999)}"

    def mobile(self) -> str:
        """A mobile number no other organization or person of the demo has."""
        while True:
            phone = self.rnd.choice(PHONE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                validate_mobile_phone(phone)
                return phone

    def company(self, used: set[str], prefix: str = "") -> str:
        """A company name not in `used` (which it joins)."""
        while True:
            brand = "".join(self.rnd.sample(BRAND_CHARS, 2))
            industry = self.rnd.choice(INDUSTRIES)
            name = (
                f"{prefix or self.rnd.choice(('浙江', '青山县', '杭州'))}{brand}{industry}有限公司"
            )
            if name not in used:
                used.add(name)
                return name

    def street_address(self, place: str, most: int) -> str:
        return f"{place}{self.rnd.choice(ROADS)}{self.rnd.randint(1, most)}号"

    # --- the demo logins ----------------------------------------------------------------------

    def new_user(self, username: str, *, superuser: bool = False, org_path: str = "") -> User:
        """One of DEMO_ACCOUNTS. Not do_create_staff_user: that forces a password change at
        first login, which a demo login must not ask for."""
        full_name, phone = next((n, p) for u, n, p in DEMO_ACCOUNTS if u == username)
        user = User(
            username=username,
            full_name=full_name,
            phone=phone,
            is_staff=superuser,
            is_superuser=superuser,
            must_change_password=False,
        )
        user.password = self._password_hash
        user.full_clean(exclude=["password"])
        # Audited like do_create_staff_user's accounts: naming who created it, filed under the
        # organization of its role so the officers above it see it on their audit page.
        with acting_as(None if superuser else self.admin), filed_under(org_path):
            user.save()
        return user


def _nothing() -> bool:
    return False


def _no_counts(ctx: DemoContext) -> dict[str, int]:
    return {}


@dataclass(frozen=True)
class DemoPart:
    """One app's share of the demo."""

    #: Adds the app's rows, through its actions.
    build: Callable[[DemoContext], None]
    #: Whether the database already holds this app's data (then the demo refuses to run).
    holds_data: Callable[[], bool] = _nothing
    #: The app's numbers for the summary, taken once every part is built (a later part may
    #: change what an earlier one made: a transfer moves members).
    count: Callable[[DemoContext], dict[str, int]] = _no_counts


_parts: dict[str, DemoPart] = {}


def register(app_label: str, part: DemoPart) -> None:
    """Called from the app's `AppConfig.ready()`."""
    _parts[app_label] = part


def parts() -> list[DemoPart]:
    """The registered parts, in INSTALLED_APPS order."""
    return [_parts[config.label] for config in apps.get_app_configs() if config.label in _parts]


def holds_data() -> bool:
    return any(part.holds_data() for part in parts())


@contextmanager
def _demo_session() -> Iterator[None]:
    # One transaction: a failure leaves the database as it was. Notices and end notes are stored
    # as written: write them in the deployment's language. And keep them in the app: the demo's
    # phone numbers and addresses are made up, so no SMS or e-mail may leave for them.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE), held():
        yield


def build_demo(scale: Scale, write: Callable[[str], object] = print) -> dict[str, int]:
    """Build every registered part; answers the summary (the parts' counts)."""
    with _demo_session():
        ctx = DemoContext(scale=scale, write=write)
        for part in parts():
            part.build(ctx)
        summary: dict[str, int] = {}
        for part in parts():
            summary.update(part.count(ctx))
        if ctx.record_on is not None:
            record_event(
                actor=ctx.admin,
                instance=ctx.record_on,
                event="demo.seeded",
                details={
                    "command": "seed_demo",
                    "seed": SEED,
                    "scale": str(scale),
                    "note": "演示数据（虚构）：组织、党员与演示账号均由 seed_demo 生成",
                    **summary,
                },
            )
    return summary
