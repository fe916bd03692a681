# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""Build the demo county 青山县: 155 organizations, about 4,000 members and the demo logins.

Everything is generated from fixed seeds (Faker and random, 2026), so two runs on the same day
give the same county; dates are relative to today so ages and "joined a year ago" stay true.
Organizations, members and roles go through the project's actions (validated and audited like
any other write); the whole build is one transaction, so a failure leaves the database empty.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone, translation
from faker import Faker

from core.models import User, acting_as, filed_under, record_event
from core.validators import id_check_char, validate_mobile_phone
from members.certificates.actions import (
    do_check_certificate,
    do_issue_certificate,
    do_replace_certificate,
    do_revoke_certificate,
)
from members.found.actions import do_record_found_arrival, do_register_found_member
from members.management.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    DISTINCTIVE_MEMBER_NAME,
)
from members.mobility.actions import (
    do_check_in_member,
    do_end_episode,
    do_mark_member_lost,
    do_record_finding_attempt,
    do_register_outflow,
)
from members.models import (
    Certificate,
    CertificateKind,
    CheckResult,
    ContactChannel,
    Education,
    EpisodeStatus,
    Gender,
    Member,
    Membership,
    MobilityEpisode,
    OccupationCategory,
    PersonnelCategory,
    Standing,
)
from members.register.actions import do_archive_member, do_create_member
from organizations.actions import (
    do_create_organization,
    do_create_root_organization,
    do_grant_role,
)
from organizations.models import ManagementMode, Organization, OrgKind, RoleKind, Sector
from organizations.notices import held
from transfers.demo import build_demo_transfers

SEED = 2026
PROVINCE, CITY, COUNTY = "330000", "330100", "330122"
REGION = "浙江省杭州市青山县"

# Fictional place names; enough of each that every township draws its own without repeats.
VILLAGES = (
    "溪口", "上溪", "下溪", "竹园", "茶坪", "枫树湾", "石桥", "新塘", "黄泥岭", "梅林", "桃花坞",
    "柳塘", "杨家", "王家坞", "李家桥", "金竹", "银杏", "凤凰", "龙井", "青龙", "白马", "双溪",
    "三合", "五联", "红旗", "光明", "新民", "联合", "和平", "永安", "长乐", "东山", "西山",
    "南岭", "北坞", "前溪", "后畈", "大坪", "小坪", "高桥", "芦茨", "荻浦", "深澳", "环溪",
    "徐畈", "莪山", "横村", "钟山", "百江", "合岭", "瑶琳", "富春", "江南", "新合", "凤川",
    "旧县", "茆坪", "毕浦", "俞家", "孙家", "赵家", "方家", "叶家", "洪家", "鲍家", "外山",
)  # fmt: skip
COMMUNITIES = (
    "南门", "文昌", "望江", "锦绣", "桥东", "春晖", "滨河", "城南新村", "学府", "迎春", "金桥",
    "翠苑", "东湖", "西湖", "荷花池", "府前", "育才", "康乐", "和谐", "幸福", "阳光", "江滨",
    "桐君", "白云", "北门", "新华", "人民", "中山", "解放", "富源", "梧桐", "枫林",
    "清风", "明月", "凤鸣", "龙山", "碧水", "青溪", "溪南", "青山", "开元",
)  # fmt: skip
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
#: Where mobile members went: (province/city/county, a street there, the city's short name).
DESTINATIONS = (
    ("广东省深圳市宝安区", "西乡街道宝源路", "深圳"),
    ("广东省广州市白云区", "太和镇大源北路", "广州"),
    ("广东省东莞市", "长安镇振安中路", "东莞"),
    ("上海市闵行区", "莘庄镇莘松路", "上海"),
    ("上海市浦东新区", "川沙新镇华夏东路", "上海"),
    ("江苏省苏州市昆山市", "周市镇青阳北路", "昆山"),
    ("江苏省南京市江宁区", "秣陵街道胜太路", "南京"),
    ("浙江省宁波市鄞州区", "首南街道天童南路", "宁波"),
    ("浙江省杭州市余杭区", "仓前街道文一西路", "杭州"),
    ("福建省厦门市湖里区", "金山街道云顶北路", "厦门"),
    ("北京市朝阳区", "望京街道阜通东大街", "北京"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "新华南路", "乌鲁木齐"),
)
UNIVERSITIES = ("浙江大学", "浙江工业大学", "杭州师范大学", "浙江农林大学", "中国计量大学")
PROFESSIONAL_EMPLOYERS = (
    ("青山县人民医院", "医生"),
    ("青山县人民医院", "护士"),
    ("青山县中医院", "药剂师"),
    ("青山县第一中学", "教师"),
    ("青山县实验小学", "教师"),
    ("青山县农业技术推广中心", "农艺师"),
    ("青山县建筑设计院", "工程师"),
)
GOVERNMENT_EMPLOYERS = (
    "青山县人力资源和社会保障局",
    "青山县交通运输局",
    "青山县市场监督管理局",
    "青山县农业农村局",
    "青山县财政局",
)
OTHER_ETHNICITIES = ("畲族", "畲族", "畲族", "回族", "满族", "土家族", "苗族", "壮族")
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)  # fmt: skip


@dataclass
class Township:
    name: str  # 青溪镇
    committee: str  # 青溪镇党委
    postcode: str
    villages: int = 0
    communities: int = 0
    enterprises: int = 0
    sector: str = Sector.GOVERNMENT


TOWNSHIPS = (
    # The first two are fixed: the `town` and `secretary` logins are in the first, `secretary2`
    # and `station` in the second.
    Township("青溪镇", "青溪镇党委", "311501", villages=16, communities=2, enterprises=3),
    Township("城南街道", "城南街道党工委", "311502", communities=12, enterprises=4),
    Township("城北街道", "城北街道党工委", "311503", communities=12, enterprises=4),
    Township("白云乡", "白云乡党委", "311504", villages=15),
    Township("石门镇", "石门镇党委", "311505", villages=16, communities=2, enterprises=3),
    Township("桃源镇", "桃源镇党委", "311506", villages=15, communities=1, enterprises=2),
    Township("青山街道", "青山街道党工委", "311500", communities=10, enterprises=3),
    Township("青山经济开发区", "青山经济开发区党工委", "311507", enterprises=8, sector=Sector.PARK),
)


@dataclass
class Branch:
    """A branch-level organization and what its members look like."""

    org: Organization
    profile: str  # village, community, enterprise, government, professional, station
    township: str  # place name for addresses ("青溪镇")
    locality: str  # village or community name, or the enterprise's name
    size: int
    members: list[dict[str, Any]] = field(default_factory=list)


class Command(BaseCommand):
    help = "Build the demo county (organizations, members, demo logins with password demo12345)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already holds organizations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists() or Member.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "数据库中已有数据，跳过演示数据生成。(seed_demo: data exists, skipped)"
                )
                return
            raise CommandError(
                "数据库中已有组织或党员数据，演示数据只能生成到空数据库中。"
                " (seed_demo refuses to add a demo county to a database that already has data; "
                "use an empty database, or --if-empty to skip.)"
            )
        taken = list(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                f"演示账号已存在：{', '.join(taken)}。(demo usernames already exist; "
                "seed_demo only runs on an empty database.)"
            )
        started = time.monotonic()
        # Notices and end notes are stored as written: write them in the deployment's language.
        # ... and keep them in the app: the demo's phone numbers and addresses are made up, so no
        # SMS or e-mail may leave for them.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE), held():
            builder = DemoBuilder(self.stdout.write)
            summary = builder.build()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：组织 {summary['organizations']} 个，党员 {summary['members']} 名"
                f"（流动 {summary['mobile']}，失联 {summary['lost_contact']}，"
                f"停止党籍 {summary['suspended']}，已归档 {summary['archived']}），"
                f"账号 {summary['users']} 个，用时 {elapsed:.1f} 秒。"
            )
        )


class DemoBuilder:
    def __init__(self, write: Callable[[str], Any]) -> None:
        Faker.seed(SEED)
        self.fake = Faker("zh_CN")
        self.rnd = random.Random(SEED)
        self.write = write
        self.today = timezone.localdate()
        self.branches: list[Branch] = []
        self.org_count = 0
        self.seen_ids: set[str] = set()
        self.seen_phones: set[str] = set()

    # --- the whole build --------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        admin = self._create_admin()
        county = self._create_tree(admin)
        self.write(f"  组织 {self.org_count} 个已建立")
        members = self._create_members(admin)
        self.write(f"  党员 {len(members)} 名已登记")
        users = self._create_demo_users(admin, county)
        episodes = self._create_episodes(admin, members)
        self.write(f"  外出流动记录 {episodes} 条已登记")
        certificates = self._create_certificates(admin)
        self.write(f"  流动党员活动证、党员证明信 {certificates} 份已开具")
        lost, found = self._create_lost_and_found(admin, members)
        self.write(f"  失联 {lost} 名、流入地发现 {found} 名已登记")
        transfers = self._create_transfers(admin)
        self.write(f"  组织关系转接 {transfers} 条已生成")
        summary = {
            "organizations": self.org_count,
            "members": len(members),
            # Counted afresh: the mobility, lost-contact and transfer actions changed members.
            "mobile": Member.objects.filter(is_mobile=True).count(),
            "lost_contact": Member.objects.filter(lost_contact=True).count(),
            "suspended": Member.objects.filter(standing=Standing.SUSPENDED).count(),
            "archived": Member.objects.filter(archived_at__isnull=False).count(),
            "users": users,
            "episodes": episodes,
            "transfers": transfers,
            "certificates": certificates,
            "lost_episodes": lost,
            "found": found,
        }
        record_event(
            actor=admin,
            instance=county,
            event="demo.seeded",
            details={
                "command": "seed_demo",
                "seed": SEED,
                "note": "演示数据（虚构）：组织、党员与演示账号均由 seed_demo 生成",
                **summary,
            },
        )
        return summary

    # --- mobility episodes ------------------------------------------------------------------

    def _create_episodes(self, admin: User, members: list[Member]) -> int:
        """Absences in every state, through the actions: registered (away outside the county),
        checked in at the second township's station (moved within the county), returned."""
        count = 0
        for member in members:
            if not member.is_mobile or member.archived_at is not None:
                continue
            province, city, county = split_destination(member.mobile_destination)
            do_register_outflow(
                actor=admin,
                member=member,
                out_date=self._date_between(
                    self._years_before(self.today, 3), self.today - dt.timedelta(days=30)
                ),
                destination_province=province,
                destination_city=city,
                destination_county=county,
                employer=member.employer,
                occupation=OccupationCategory.MIGRANT_WORKER,
                reason="外出务工",
                phone_there=member.phone,
            )
            count += 1
        # Members of the first township working in the second: checked in at its station,
        # some of them back home already.
        station = self.station_second
        movers = [
            m
            for m in members
            if not m.is_mobile
            and m.archived_at is None
            and m.standing == Standing.NORMAL
            and not m.home_org.path.startswith(station.path[: 2 * Organization.steplen])
            and m.name != DISTINCTIVE_MEMBER_NAME
        ][7::60][:20]
        for i, member in enumerate(movers):
            left = self._date_between(self._years_before(self.today, 2), self.today)
            episode = do_register_outflow(
                actor=admin,
                member=member,
                out_date=left,
                destination_province="浙江省",
                destination_city="杭州市",
                destination_county="青山县",
                employer=self._company(set()),
                occupation=OccupationCategory.NON_PUBLIC_EMPLOYEE,
                reason="到城南街道企业就业",
                intended_org=station,
            )
            count += 1
            if i % 4 == 3:
                continue  # registered, not yet checked in
            if i % 2 == 0:
                # An activity certificate taken along: check-in fills its inflow part.
                do_issue_certificate(
                    actor=admin,
                    member=member,
                    kind=CertificateKind.ACTIVITY,
                    issued_on=left,
                    reason="到城南街道企业就业",
                    episode=episode,
                )
            arrived = min(left + dt.timedelta(days=self.rnd.randint(2, 20)), self.today)
            do_check_in_member(
                actor=admin,
                inflow_org=station,
                id_number=member.id_number,
                name=member.name,
                checked_in_on=arrived,
            )
            if i % 4 == 2 and arrived < self.today:
                do_end_episode(
                    actor=admin,
                    episode=episode,
                    status=EpisodeStatus.RETURNED,
                    ended_on=self._date_between(arrived, self.today),
                    note="返乡",
                )
        return count

    # --- certificates -----------------------------------------------------------------------

    def _create_certificates(self, admin: User) -> int:
        """Activity certificates for most members away outside the county (some checked for
        last year, one revoked, one replaced) and certificate letters for short trips."""
        count = Certificate.objects.count()
        away = list(
            MobilityEpisode.objects.filter(status=EpisodeStatus.REGISTERED, intended_org=None)
            .select_related("member")
            .order_by("id")
        )
        issued = []
        for episode in away[::3]:
            issued.append(
                do_issue_certificate(
                    actor=admin,
                    member=episode.member,
                    kind=CertificateKind.ACTIVITY,
                    issued_on=episode.out_date,
                    reason=episode.reason,
                    episode=episode,
                )
            )
        last_year = self.today.year - 1
        for certificate in issued:
            if certificate.issued_on.year <= last_year:
                do_check_certificate(
                    actor=admin,
                    certificate=certificate,
                    year=last_year,
                    checked_on=dt.date(last_year, 12, 20),
                    result=CheckResult.PASSED,
                    note="随年度民主评议一并审验",
                )
        if len(issued) > 2:
            do_revoke_certificate(
                actor=admin,
                certificate=issued[0],
                ended_on=self.today,
                reason="本人已在流入地长期定居，应转移组织关系",
            )
            do_replace_certificate(
                actor=admin,
                certificate=issued[1],
                issued_on=self.today,
                reason="原证遗失，申请补办",
            )
        # Short trips: a certificate letter, valid a month.
        travellers = (
            Member.objects.active()
            .filter(is_mobile=False, lost_contact=False, home_org=self.secretary_branch)
            .exclude(name=DISTINCTIVE_MEMBER_NAME)
            .order_by("-id")[:2]
        )
        for member in travellers:
            start = self.today - dt.timedelta(days=self.rnd.randint(1, 10))
            do_issue_certificate(
                actor=admin,
                member=member,
                kind=CertificateKind.LETTER,
                issued_on=start,
                reason="短期外出学习培训",
                valid_until=start + dt.timedelta(days=30),
            )
        return Certificate.objects.count() - count

    # --- lost and found ---------------------------------------------------------------------

    def _create_lost_and_found(self, admin: User, members: list[Member]) -> tuple[int, int]:
        """Absences lost from sight (双找 with a few attempts recorded), members found at the
        station without an outflow registration, and people found whose home organization is
        not in the system."""
        away = list(
            MobilityEpisode.objects.filter(
                status=EpisodeStatus.REGISTERED, intended_org=None, member__lost_contact=False
            )
            .select_related("member")
            .order_by("-id")[:8]
        )
        for episode in away:
            since = min(episode.out_date + dt.timedelta(days=self.rnd.randint(60, 300)), self.today)
            do_mark_member_lost(
                actor=admin,
                member=episode.member,
                since=since,
                last_known_place=f"{episode.destination}{episode.employer}",
            )
            do_record_finding_attempt(
                actor=admin,
                member=episode.member,
                attempted_on=self._date_between(since, self.today),
                channel=ContactChannel.PHONE,
                result="电话无人接听，已请流入地社区协助查找",
                found=False,
            )
        station = self.station_second
        first_township = self.townships[0]
        candidates = [
            m
            for m in members
            if not m.is_mobile
            and not m.lost_contact
            and m.archived_at is None
            and m.home_org.path.startswith(first_township.path)
            and m.home_org_id != self.secretary_branch.pk
            and m.name != DISTINCTIVE_MEMBER_NAME
        ][3::97][:3]
        for member in candidates:
            arrived = self.today - dt.timedelta(days=self.rnd.randint(5, 60))
            do_register_found_member(
                actor=admin,
                inflow_org=station,
                id_number=member.id_number,
                name=member.name,
                arrived_on=arrived,
                destination_province="浙江省",
                destination_city="杭州市",
                destination_county="青山县",
                residence=f"城南街道{self.rnd.choice(ROADS)}{self.rnd.randint(1, 200)}号",
                employer=self._company(set()),
                occupation=OccupationCategory.NON_PUBLIC_EMPLOYEE,
                reason="未办理外出登记，到城南街道务工",
            )
        for claimed in ("中共江西省上饶市广丰区湖丰镇委员会", "中共安徽省六安市金寨县梅山镇委员会"):
            birth = self._date_between(
                self._years_before(self.today, 50), self._years_before(self.today, 25)
            )
            gender = self.rnd.choice([Gender.MALE, Gender.FEMALE])
            do_record_found_arrival(
                actor=admin,
                inflow_org=station,
                id_number=self._id_number(birth, gender),
                name=self.fake.name_male() if gender == Gender.MALE else self.fake.name_female(),
                claimed_home_org=claimed,
                arrived_on=self.today - dt.timedelta(days=self.rnd.randint(3, 40)),
                phone=self._mobile(),
                residence=f"城南街道{self.rnd.choice(ROADS)}{self.rnd.randint(1, 200)}号",
            )
        return len(away), len(candidates) + 2

    # --- transfers --------------------------------------------------------------------------

    def _create_transfers(self, admin: User) -> int:
        """Transfers in every state: from the `secretary` login's branch (its outgoing queue),
        to the `secretary2` login's branch (its incoming queue), awaiting the `town` login's
        approval, out of the system, and a batch of graduates."""
        settled = (
            Member.objects.active()
            .filter(is_mobile=False, lost_contact=False, standing=Standing.NORMAL)
            .exclude(name=DISTINCTIVE_MEMBER_NAME)
            .select_related("home_org")
            .order_by("id")
        )
        first_township = self.townships[0]
        senders = list(settled.filter(home_org=self.secretary_branch)[:16])
        others = list(
            settled.filter(home_org__path__startswith=first_township.path)
            .exclude(home_org=self.secretary_branch)
            .order_by("home_org__path", "id")[::7][:3]
        )
        elsewhere = (
            Organization.objects.filter(
                path__startswith=self.townships[1].path, kind=OrgKind.BRANCH, is_active=True
            )
            .exclude(pk=self.secretary2_branch.pk)
            .order_by("path")
            .first()
        )
        assert elsewhere is not None
        return build_demo_transfers(
            actor=admin,
            senders=senders,
            others=others,
            receiver=self.secretary2_branch,
            elsewhere=elsewhere,
            today=self.today,
        )

    # --- users ------------------------------------------------------------------------------

    def _new_user(
        self,
        username: str,
        *,
        superuser: bool = False,
        actor: User | None = None,
        org_path: str = "",
    ) -> User:
        # Not do_create_staff_user: that forces a password change at first login, which a demo
        # login must not ask for.
        full_name, phone = next((n, p) for u, n, p in DEMO_ACCOUNTS if u == username)
        user = User(
            username=username,
            full_name=full_name,
            phone=phone,
            is_staff=superuser,
            is_superuser=superuser,
            must_change_password=False,
        )
        # One hash for every demo account: hashing is deliberately slow (~0.3 s each) and the
        # password is public anyway.
        user.password = self.password_hash
        user.full_clean(exclude=["password"])
        # Audited like do_create_staff_user's accounts: naming who created it, filed under the
        # organization of its role so the officers above it see it on their audit page.
        with acting_as(actor), filed_under(org_path):
            user.save()
        return user

    def _create_admin(self) -> User:
        self.password_hash = make_password(DEMO_PASSWORD)
        return self._new_user("admin", superuser=True)

    def _create_demo_users(self, admin: User, county: Organization) -> int:
        first, second = self.townships[0], self.townships[1]
        grants = (
            ("county", county, RoleKind.COUNTY_OFFICER),
            ("inspector", county, RoleKind.INSPECTOR),
            ("town", first, RoleKind.TOWNSHIP_OFFICER),
            ("secretary", self.secretary_branch, RoleKind.SECRETARY),
            ("secretary2", self.secretary2_branch, RoleKind.SECRETARY),
            ("station", self.station_second, RoleKind.COMMITTEE_MEMBER),
        )
        assert self.station_second.path.startswith(second.path)
        for username, org, kind in grants:
            user = self._new_user(username, actor=admin, org_path=org.path)
            do_grant_role(actor=admin, user=user, organization=org, kind=kind)
        return len(grants) + 1

    # --- organizations ----------------------------------------------------------------------

    def _landline(self) -> str:
        return f"0571-64{self.rnd.randrange(100000, 999999)}"

    def _mobile(self) -> str:
        while True:
            phone = self.rnd.choice(PHONE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}"
            if phone not in self.seen_phones:
                self.seen_phones.add(phone)
                validate_mobile_phone(phone)
                return phone

    def _org(
        self,
        admin: User,
        parent: Organization,
        name: str,
        kind: str,
        *,
        sector: str = "",
        mode: str = "",
        address: str,
        postcode: str,
        mailbox: str,
        **extra: Any,
    ) -> Organization:
        org: Organization = do_create_organization(
            actor=admin,
            parent=parent,
            name=name,
            kind=kind,
            sector=sector,
            management_mode=mode,
            province_code=PROVINCE,
            city_code=CITY,
            county_code=COUNTY,
            address=address,
            postcode=postcode,
            phone=self._landline(),
            mailbox=mailbox,
            **extra,
        )
        self.org_count += 1
        return org

    def _branch(
        self, org: Organization, profile: str, township: str, locality: str, low: int, high: int
    ) -> Branch:
        branch = Branch(org, profile, township, locality, self.rnd.randint(low, high))
        self.branches.append(branch)
        return branch

    def _company(self, used: set[str], prefix: str = "") -> str:
        while True:
            brand = "".join(self.rnd.sample(BRAND_CHARS, 2))
            industry = self.rnd.choice(INDUSTRIES)
            name = (
                f"{prefix or self.rnd.choice(('浙江', '青山县', '杭州'))}{brand}{industry}有限公司"
            )
            if name not in used:
                used.add(name)
                return name

    def _create_tree(self, admin: User) -> Organization:
        county: Organization = do_create_root_organization(
            actor=admin,
            name="中共青山县委",
            kind=OrgKind.COUNTY_COMMITTEE,
            sector=Sector.GOVERNMENT,
            province_code=PROVINCE,
            city_code=CITY,
            county_code=COUNTY,
            address=f"{REGION}青山街道府前路1号",
            postcode="311500",
            phone="0571-64321001",
            hotline="0571-64312380",
            mailbox="zzb@qingshan.gov.cn",
            sms_phone="13957112380",
        )
        self.org_count += 1
        villages = self.rnd.sample(VILLAGES, len(VILLAGES))
        # pop() takes from the end: the `secretary` login's branch gets a fixed, known name.
        villages.remove("溪口")
        villages.append("溪口")
        communities = self.rnd.sample(COMMUNITIES, len(COMMUNITIES))
        companies: set[str] = set()
        self.townships: list[Organization] = []
        for t_index, town in enumerate(TOWNSHIPS):
            t_code = f"t{t_index + 1}"
            township = self._org(
                admin,
                county,
                town.committee,
                OrgKind.TOWNSHIP_COMMITTEE,
                sector=town.sector,
                address=f"{REGION}{town.name}{self.rnd.choice(ROADS)}{self.rnd.randint(1, 99)}号",
                postcode=town.postcode,
                mailbox=f"dw.{t_code}@qingshan.gov.cn",
                hotline=self._landline(),
            )
            self.townships.append(township)
            for i in range(town.villages):
                village = villages.pop()
                org = self._org(
                    admin,
                    township,
                    f"{town.name}{village}村党支部",
                    OrgKind.BRANCH,
                    sector=Sector.VILLAGE,
                    mode=ManagementMode.INTEGRATED,
                    address=f"{REGION}{town.name}{village}村村民委员会",
                    postcode=town.postcode,
                    mailbox=f"cun.{t_code}.{i + 1:02d}@qingshan.gov.cn",
                )
                branch = self._branch(org, "village", town.name, f"{village}村", 18, 42)
                if t_index == 0 and i == 0:
                    branch.size = 32
                    self.secretary_branch = org
            for i in range(town.communities):
                community = communities.pop()
                org = self._org(
                    admin,
                    township,
                    f"{town.name}{community}社区党支部",
                    OrgKind.BRANCH,
                    sector=Sector.COMMUNITY,
                    mode=ManagementMode.INTEGRATED,
                    address=f"{REGION}{town.name}{self.rnd.choice(ROADS)}"
                    f"{self.rnd.randint(1, 300)}号{community}社区服务中心",
                    postcode=town.postcode,
                    mailbox=f"sq.{t_code}.{i + 1:02d}@qingshan.gov.cn",
                )
                self._branch(org, "community", town.name, f"{community}社区", 20, 55)
                if t_index == 1 and i == 0:
                    self.secretary2_branch = org
            for i in range(town.enterprises):
                company = self._company(companies)
                org = self._org(
                    admin,
                    township,
                    f"{company}党支部",
                    OrgKind.BRANCH,
                    sector=Sector.NON_PUBLIC_ENTERPRISE,
                    address=f"{REGION}{town.name}{self.rnd.choice(ROADS)}"
                    f"{self.rnd.randint(1, 300)}号",
                    postcode=town.postcode,
                    mailbox=f"dzb.{t_code}.e{i + 1:02d}@qsqy.com.cn",
                )
                self._branch(org, "enterprise", town.name, company, 6, 20)
            self._township_extras(admin, t_index, town, township, companies)
        self._county_extras(admin, county)
        return county

    def _township_extras(
        self,
        admin: User,
        t_index: int,
        town: Township,
        township: Organization,
        companies: set[str],
    ) -> None:
        """The organizations only some townships have: stations, joint and mobile branches."""
        road = f"{REGION}{town.name}{self.rnd.choice(ROADS)}{self.rnd.randint(1, 300)}号"
        if town.name == "城南街道":
            self.station_second = self._org(
                admin,
                township,
                "城南街道流动党员报到站",
                OrgKind.STATION,
                sector=Sector.COMMUNITY,
                mode=ManagementMode.AFFILIATED,
                address=f"{road}城南街道党群服务中心一楼",
                postcode=town.postcode,
                mailbox="bdz.chengnan@qingshan.gov.cn",
                hotline=self._landline(),
                sms_phone=self._mobile(),
            )
            self._branch(self.station_second, "station", town.name, "党群服务中心", 2, 4)
            org = self._org(
                admin,
                township,
                "城南街道非公企业联合党支部",
                OrgKind.JOINT_BRANCH,
                sector=Sector.NON_PUBLIC_ENTERPRISE,
                mode=ManagementMode.SELF_MANAGED,
                address=f"{road}城南商贸城三楼",
                postcode=town.postcode,
                mailbox="lhdzb.chengnan@qingshan.gov.cn",
            )
            self._branch(org, "enterprise", town.name, "城南商贸城", 8, 15)
        elif town.name == "城北街道":
            org = self._org(
                admin,
                township,
                "青山县物流行业协会党支部",
                OrgKind.BRANCH,
                sector=Sector.SOCIAL_ORGANIZATION,
                address=f"{road}物流园综合楼",
                postcode=town.postcode,
                mailbox="dzb@qswlxh.org.cn",
            )
            self._branch(org, "enterprise", town.name, "青山县物流行业协会", 8, 14)
        elif town.name == "桃源镇":
            company = self._company(companies)
            org = self._org(
                admin,
                township,
                f"{company}流动党员党支部",
                OrgKind.MOBILE_BRANCH,
                sector=Sector.NON_PUBLIC_ENTERPRISE,
                mode=ManagementMode.SELF_MANAGED,
                address=f"{road}{company}",
                postcode=town.postcode,
                mailbox="ldzb.taoyuan@qsqy.com.cn",
            )
            self._branch(org, "enterprise", town.name, company, 8, 14)
        elif town.name == "青山经济开发区":
            group = "浙江青山控股集团有限公司"
            general = self._org(
                admin,
                township,
                f"{group}党总支",
                OrgKind.GENERAL_BRANCH,
                sector=Sector.NON_PUBLIC_ENTERPRISE,
                address=f"{REGION}青山经济开发区创业大道88号",
                postcode=town.postcode,
                mailbox="dzz@qskg.com.cn",
            )
            for i, unit in enumerate(("生产部", "研发中心", "营销中心")):
                org = self._org(
                    admin,
                    general,
                    f"{group}{unit}党支部",
                    OrgKind.BRANCH,
                    sector=Sector.NON_PUBLIC_ENTERPRISE,
                    address=f"{REGION}青山经济开发区创业大道88号",
                    postcode=town.postcode,
                    mailbox=f"dzb{i + 1}@qskg.com.cn",
                )
                self._branch(org, "enterprise", town.name, group, 15, 30)
            org = self._org(
                admin,
                general,
                f"{group}流动党员党支部",
                OrgKind.MOBILE_BRANCH,
                sector=Sector.NON_PUBLIC_ENTERPRISE,
                mode=ManagementMode.SELF_MANAGED,
                address=f"{REGION}青山经济开发区创业大道88号",
                postcode=town.postcode,
                mailbox="ldzb@qskg.com.cn",
            )
            self._branch(org, "enterprise", town.name, group, 10, 16)
            org = self._org(
                admin,
                township,
                "青山经济开发区小微企业联合党支部",
                OrgKind.JOINT_BRANCH,
                sector=Sector.NON_PUBLIC_ENTERPRISE,
                mode=ManagementMode.SELF_MANAGED,
                address=f"{REGION}青山经济开发区科技路6号孵化楼",
                postcode=town.postcode,
                mailbox="lhdzb@qsjkq.gov.cn",
            )
            self._branch(org, "enterprise", town.name, "青山经济开发区小微企业", 8, 15)
            org = self._org(
                admin,
                township,
                "青山经济开发区流动党员服务站",
                OrgKind.STATION,
                sector=Sector.PARK,
                mode=ManagementMode.AFFILIATED,
                address=f"{REGION}青山经济开发区科技路6号党群服务中心",
                postcode=town.postcode,
                mailbox="fwz@qsjkq.gov.cn",
                hotline=self._landline(),
                sms_phone=self._mobile(),
            )
            self._branch(org, "station", town.name, "党群服务中心", 2, 4)

    def _county_extras(self, admin: User, county: Organization) -> None:
        """Branches directly under the county committee: its own bodies and trade departments."""
        seat = f"{REGION}青山街道"
        specs = (
            ("中共青山县委组织部机关党支部", OrgKind.BRANCH, Sector.GOVERNMENT, "", "government"),
            (
                "青山县人力资源和社会保障局党支部",
                OrgKind.BRANCH,
                Sector.GOVERNMENT,
                "",
                "government",
            ),
            (
                "青山县交通运输局党支部",
                OrgKind.BRANCH,
                Sector.INDUSTRY_DEPARTMENT,
                ManagementMode.SECTOR_BASED,
                "government",
            ),
            (
                "青山县建筑业流动党员党支部",
                OrgKind.MOBILE_BRANCH,
                Sector.INDUSTRY_DEPARTMENT,
                ManagementMode.SECTOR_BASED,
                "enterprise",
            ),
            (
                "青山县人才交流中心党支部",
                OrgKind.BRANCH,
                Sector.TALENT_CENTRE,
                "",
                "professional",
            ),
            (
                "青山县人才交流中心流动党员服务站",
                OrgKind.STATION,
                Sector.TALENT_CENTRE,
                ManagementMode.AFFILIATED,
                "station",
            ),
            ("青山县人民医院党支部", OrgKind.BRANCH, Sector.GOVERNMENT, "", "professional"),
        )
        for i, (name, kind, sector, mode, profile) in enumerate(specs):
            extra: dict[str, Any] = {}
            if kind == OrgKind.STATION:
                extra = {"hotline": self._landline(), "sms_phone": self._mobile()}
            org = self._org(
                admin,
                county,
                name,
                kind,
                sector=sector,
                mode=mode,
                address=f"{seat}{self.rnd.choice(ROADS)}{self.rnd.randint(1, 200)}号",
                postcode="311500",
                mailbox=f"xj{i + 1:02d}@qingshan.gov.cn",
                **extra,
            )
            low, high = (2, 4) if profile == "station" else (12, 30)
            self._branch(org, profile, "青山街道", name.removesuffix("党支部"), low, high)

    # --- members ----------------------------------------------------------------------------

    def _years_before(self, day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February: the 28th is still at least `years` before
            return day.replace(year=day.year - years, day=28)

    def _years_after(self, day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February: the years are complete only on 1 March
            return dt.date(day.year + years, 3, 1)

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rnd.randint(0, max((end - start).days, 0)))

    def _age(self) -> int:
        # Party membership skews older: about a third of members are over sixty.
        band = self.rnd.choices(
            ((20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 85)),
            weights=(12, 15, 18, 20, 18, 17),
        )[0]
        return self.rnd.randint(*band)

    def _id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            # The sequence code's last digit is odd for men, even for women (GB 11643).
            sequence = self.rnd.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{COUNTY}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self.seen_ids:
                self.seen_ids.add(first17)
                return first17 + id_check_char(first17)

    def _education(self, age: int, profile: str) -> str:
        if profile in ("professional", "government"):
            return self.rnd.choices(
                (Education.POSTGRADUATE, Education.UNDERGRADUATE, Education.COLLEGE),
                weights=(15, 65, 20),
            )[0]
        if age >= 60:
            weights = (0, 3, 5, 10, 30, 52)
        elif age >= 40:
            weights = (1, 12, 20, 15, 30, 22)
        else:
            weights = (5, 40, 30, 12, 10, 3)
        if profile == "village":
            weights = (0, weights[1] // 2, weights[2] // 2, weights[3], weights[4], weights[5] + 15)
        return self.rnd.choices(
            (
                Education.POSTGRADUATE,
                Education.UNDERGRADUATE,
                Education.COLLEGE,
                Education.SECONDARY_VOCATIONAL,
                Education.HIGH_SCHOOL,
                Education.JUNIOR_HIGH_OR_BELOW,
            ),
            weights=weights,
        )[0]

    def _category(self, age: int, profile: str) -> str:
        if age >= 60 and profile != "village" and self.rnd.random() < 0.85:
            return PersonnelCategory.RETIRED
        if profile == "village":
            if age >= 65:
                return PersonnelCategory.FARMER
            return self.rnd.choices(
                (
                    PersonnelCategory.FARMER,
                    PersonnelCategory.MIGRANT_WORKER,
                    PersonnelCategory.SELF_EMPLOYED,
                ),
                weights=(50, 38, 12) if age < 50 else (75, 18, 7),
            )[0]
        if profile == "community":
            if age <= 24 and self.rnd.random() < 0.5:
                return PersonnelCategory.STUDENT
            return self.rnd.choices(
                (
                    PersonnelCategory.WORKER,
                    PersonnelCategory.SELF_EMPLOYED,
                    PersonnelCategory.PROFESSIONAL,
                    PersonnelCategory.MIGRANT_WORKER,
                    PersonnelCategory.UNEMPLOYED,
                    PersonnelCategory.OTHER,
                ),
                weights=(40, 20, 15, 12, 5, 3),
            )[0]
        if profile == "enterprise":
            return self.rnd.choices(
                (PersonnelCategory.WORKER, PersonnelCategory.PROFESSIONAL),
                weights=(70, 30),
            )[0]
        if profile == "government":
            return PersonnelCategory.CIVIL_SERVANT
        if profile == "station":
            return PersonnelCategory.CIVIL_SERVANT
        return PersonnelCategory.PROFESSIONAL

    def _home_address(self, branch: Branch) -> tuple[str, str]:
        """(home address, household registration place)."""
        if branch.profile == "village":
            place = f"{REGION}{branch.township}{branch.locality}"
            return f"{place}{self.rnd.randint(1, 12)}组{self.rnd.randint(1, 120)}号", place
        road = self.rnd.choice(ROADS)
        address = (
            f"{REGION}{branch.township}{road}{self.rnd.randint(1, 400)}号"
            f"{self.rnd.randint(1, 30)}幢{self.rnd.randint(1, 4)}单元"
            f"{self.rnd.randint(1, 18)}0{self.rnd.randint(1, 4)}室"
        )
        return address, f"{REGION}{branch.township}"

    def _work(self, category: str, branch: Branch) -> tuple[str, str]:
        """(employer, job) for a personnel category."""
        if branch.profile == "enterprise" and category in (
            PersonnelCategory.WORKER,
            PersonnelCategory.PROFESSIONAL,
        ):
            jobs: tuple[str, ...] = ("技术员", "车间主任", "质检员", "销售经理", "会计", "操作工")
            if category == PersonnelCategory.PROFESSIONAL:
                jobs = ("工程师", "研发工程师", "财务主管", "人力资源专员")
            return branch.locality, self.rnd.choice(jobs)
        match category:
            case PersonnelCategory.FARMER:
                return "", self.rnd.choice(("务农", "茶叶种植", "竹笋种植", "水果种植", "养殖"))
            case PersonnelCategory.MIGRANT_WORKER:
                return self._company(set()), self.rnd.choice(
                    ("建筑工人", "电工", "焊工", "快递员", "厨师", "装修工", "货车司机")
                )
            case PersonnelCategory.SELF_EMPLOYED:
                return "个体经营", self.rnd.choice(
                    ("个体工商户", "经营小超市", "经营农家乐", "经营餐馆", "电商店主")
                )
            case PersonnelCategory.WORKER:
                return self._company(set()), self.rnd.choice(
                    ("职员", "技术员", "会计", "仓库管理员", "销售员")
                )
            case PersonnelCategory.PROFESSIONAL:
                if branch.profile == "professional" and "医院" in branch.locality:
                    return "青山县人民医院", self.rnd.choice(("医生", "护士", "药剂师"))
                return self.rnd.choice(PROFESSIONAL_EMPLOYERS)
            case PersonnelCategory.CIVIL_SERVANT:
                if branch.profile == "government":
                    return branch.locality.removesuffix("机关"), self.rnd.choice(
                        ("科员", "副科长", "科长", "办公室主任")
                    )
                office = "办事处" if branch.township.endswith("街道") else "人民政府"
                return f"{branch.township}{office}", self.rnd.choice(("科员", "党建工作指导员"))
            case PersonnelCategory.STUDENT:
                return self.rnd.choice(UNIVERSITIES), "学生"
            case PersonnelCategory.RETIRED:
                return "", "退休"
            case _:
                return "", "无"

    def _member_fields(self, branch: Branch) -> dict[str, Any]:
        gender = Gender.MALE if self.rnd.random() < 0.68 else Gender.FEMALE
        # Faker's zh_CN name_male() ignores gender; its gendered given-name lists do not.
        given = (
            self.fake.first_name_male() if gender == Gender.MALE else self.fake.first_name_female()
        )
        name = self.fake.last_name() + given
        age = self._age()
        # Born between age+1 years ago (exclusive) and age years ago: the member is `age` today.
        latest = self._years_before(self.today, age)
        earliest = self._years_before(self.today, age + 1) + dt.timedelta(days=1)
        birth = self._date_between(earliest, latest)
        adult = self._years_after(birth, settings.MEMBERS_MIN_JOIN_AGE)
        # Most people join in their twenties or thirties; some recent joiners are probationary.
        if self.rnd.random() < 0.03 and age < 45:
            joined = self._date_between(max(adult, self.today - dt.timedelta(days=330)), self.today)
        else:
            join_age = min(age - 1, self.rnd.choice((18, 19, 20, 22, 24, 26, 28, 30, 33, 36, 40)))
            start = max(adult, self._years_after(birth, join_age))
            end = self._years_before(self.today, 1)
            joined = self._date_between(min(start, end), end)
        if joined > self._years_before(self.today, 1):
            membership, full_on = Membership.PROBATIONARY, None
        else:
            membership, full_on = Membership.FULL, self._years_after(joined, 1)
        category = self._category(age, branch.profile)
        employer, job = self._work(category, branch)
        home, household = self._home_address(branch)
        ethnicity = "汉族" if self.rnd.random() < 0.95 else self.rnd.choice(OTHER_ETHNICITIES)
        mobile_chance = 0.47 if category == PersonnelCategory.MIGRANT_WORKER else 0.02
        is_mobile = self.rnd.random() < mobile_chance and category != PersonnelCategory.RETIRED
        destination, residence = "", home
        if is_mobile:
            destination, street, city = self.rnd.choice(DESTINATIONS)
            residence = f"{destination}{street}{self.rnd.randint(1, 800)}号"
            if category == PersonnelCategory.MIGRANT_WORKER:
                employer = self._company(set(), prefix=city)
        lost = self.rnd.random() < (0.22 if is_mobile else 0.004)
        lost_since = None
        if lost:
            lost_since = self._date_between(
                max(joined, self._years_before(self.today, 4)),
                self.today - dt.timedelta(days=45),
            )
        phone = "" if age > 78 and self.rnd.random() < 0.3 else self._mobile()
        return {
            "name": name,
            "gender": gender,
            "ethnicity": ethnicity,
            "id_number": self._id_number(birth, gender),
            "birth_date": birth,
            "education": self._education(age, branch.profile),
            "personnel_category": category,
            "home_org": branch.org,
            "joined_on": joined,
            "full_member_on": full_on,
            "membership": membership,
            "job": job,
            "phone": phone,
            "home_address": home,
            "household_registration": household,
            "residence": residence,
            "employer": employer,
            "standing": Standing.NORMAL,
            "lost_contact": lost,
            "lost_contact_since": lost_since,
            "is_mobile": is_mobile,
            "mobile_destination": destination,
        }

    def _plan_members(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for branch in self.branches:
            for _ in range(branch.size):
                rows.append(self._member_fields(branch))
        # A known member in `secretary`'s branch: an ordinary, active full member.
        distinctive = next(
            r
            for r in rows
            if r["home_org"] == self.secretary_branch
            and not r["lost_contact"]
            and not r["is_mobile"]
            and r["membership"] == Membership.FULL
        )
        distinctive["name"] = DISTINCTIVE_MEMBER_NAME
        # Six months unreachable → membership suspended (2019 regulations): a few of them.
        long_lost = [
            r
            for r in rows
            if r["lost_contact"] and r["lost_contact_since"] < self.today - dt.timedelta(days=200)
        ]
        for row in long_lost[:3]:
            row["standing"] = Standing.SUSPENDED
        # A few who died: kept on the register (never deleted) but archived below.
        old = [
            r
            for r in rows
            if r["birth_date"] < self._years_before(self.today, 78)
            and r["name"] != DISTINCTIVE_MEMBER_NAME
        ]
        for row in old[:3]:
            row["standing"] = Standing.DECEASED
        return rows

    def _create_members(self, admin: User) -> list[Member]:
        rows = self._plan_members()
        members = [do_create_member(actor=admin, **row) for row in rows]
        # Archived: those who died, and a few whose relationship left the county.
        archived = [m for m in members if m.standing == Standing.DECEASED]
        reasons = {m.pk: "党员去世" for m in archived}
        movers = [
            m
            for m in members[50::700]
            if m.standing == Standing.NORMAL and m.name != DISTINCTIVE_MEMBER_NAME
        ][:3]
        reasons.update({m.pk: "组织关系已转出本县" for m in movers})
        by_pk = {m.pk: m for m in members}
        for pk, reason in reasons.items():
            by_pk[pk] = do_archive_member(actor=admin, member=by_pk[pk], reason=reason)
        return list(by_pk.values())


def split_destination(place: str) -> tuple[str, str, str]:
    """广东省深圳市宝安区 → (广东省, 深圳市, 宝安区); 上海市闵行区 → (上海市, "", 闵行区)."""
    for end in ("自治区", "省"):
        if end in place:
            province, rest = place.split(end, 1)
            province += end
            break
    else:
        province, rest = place.split("市", 1)
        return province + "市", "", rest or province + "市"
    if "市" in rest:
        city, county = rest.split("市", 1)
        return province, city + "市", county or city + "市"
    return province, "", rest
