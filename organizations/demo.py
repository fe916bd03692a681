"""The demo county's organizations, the demo logins and their roles (a part of `seed_demo`).

The full county: the county committee, eight townships and streets with their village,
community and enterprise branches, stations, joint and mobile-member branches, and the county's
own bodies: 155 organizations. The small one keeps the first two townships, a few branches
each, and the organizations of every demo login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from core.demo import CITY, COUNTY, PROVINCE, REGION, DemoContext, DemoPart
from organizations.actions import do_create_organization, do_create_root_organization, do_grant_role
from organizations.models import (
    ManagementMode,
    Organization,
    OrgKind,
    RoleKind,
    Sector,
    Trade,
    relationship_kinds,
)
from organizations.trades import seed_trades

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


@dataclass(frozen=True)
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
SMALL_TOWNSHIPS = (
    replace(TOWNSHIPS[0], villages=2, communities=1, enterprises=1),
    replace(TOWNSHIPS[1], communities=2, enterprises=1),
)

#: Branches directly under the county committee: its own bodies and trade departments.
#: (name, kind, sector, management mode, what its members look like)
COUNTY_BRANCHES = (
    ("中共青山县委组织部机关党支部", OrgKind.BRANCH, Sector.GOVERNMENT, "", "government"),
    ("青山县人力资源和社会保障局党支部", OrgKind.BRANCH, Sector.GOVERNMENT, "", "government"),
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
    ("青山县人才交流中心党支部", OrgKind.BRANCH, Sector.TALENT_CENTRE, "", "professional"),
    (
        "青山县人才交流中心流动党员服务站",
        OrgKind.STATION,
        Sector.TALENT_CENTRE,
        ManagementMode.AFFILIATED,
        "station",
    ),
    ("青山县人民医院党支部", OrgKind.BRANCH, Sector.GOVERNMENT, "", "professional"),
)
#: The trades (行业) the trade departments' and associations' organizations serve: sector-based
#: management (归口管理) routes members of these trades to them (issue 9, item 11).
TRADES_SERVED: dict[str, tuple[str, ...]] = {
    "青山县交通运输局党支部": ("transport", "ride_hailing", "logistics"),
    "青山县建筑业流动党员党支部": ("construction",),
    "青山县物流行业协会党支部": ("courier", "food_delivery"),
}
PARK_GROUP = "浙江青山控股集团有限公司"
PARK_SEAT = f"{REGION}青山经济开发区创业大道88号"


@dataclass
class DemoBranch:
    """A branch-level organization and what its members look like (the members part makes
    `size` of them)."""

    org: Organization
    profile: str  # village, community, enterprise, government, professional, station
    township: str  # place name for addresses ("青溪镇")
    locality: str  # village or community name, or the enterprise's name
    size: int


@dataclass(frozen=True)
class DemoCounty:
    """What the organizations part hands to the later parts (`ctx.get("county", DemoCounty)`)."""

    county: Organization
    townships: list[Organization]
    branches: list[DemoBranch]
    #: The `secretary` login's branch: a village of the first township.
    secretary_branch: Organization
    #: The `secretary2` login's branch: a community of the second township.
    secretary2_branch: Organization
    #: The `station` login's station, in the second township: where members check in.
    station: Organization
    organizations: int
    users: int = 0


@dataclass(frozen=True)
class Place:
    """An organization that holds members. An address to draw is drawn when the organization is
    made (after a station's contact numbers), so every build draws in the same order."""

    name: str
    kind: str
    sector: str
    address: str | Callable[[], str]
    mailbox: str
    profile: str
    locality: str
    sizes: tuple[int, int]
    mode: str = ""


def enterprise(
    name: str,
    kind: str,
    address: str | Callable[[], str],
    mailbox: str,
    locality: str,
    sizes: tuple[int, int],
    mode: str = ManagementMode.SELF_MANAGED,
) -> Place:
    """A branch of non-public enterprises' members."""
    return Place(
        name,
        kind,
        Sector.NON_PUBLIC_ENTERPRISE,
        address,
        mailbox,
        "enterprise",
        locality,
        sizes,
        mode,
    )


def station(name: str, sector: str, address: str, mailbox: str) -> Place:
    """A check-in station: a few staff members of its own where stations hold members
    (settings.STATIONS_HOLD_MEMBERS), none otherwise."""
    return Place(
        name,
        OrgKind.STATION,
        sector,
        address,
        mailbox,
        "station",
        "党群服务中心",
        (2, 4),
        ManagementMode.AFFILIATED,
    )


class _Tree:
    """Makes the county's organizations in a fixed order (every build draws the same random
    numbers in the same order, so the full county is the same from build to build)."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.companies: set[str] = set()
        self.townships: list[Organization] = []
        self.branches: list[DemoBranch] = []
        self.named: dict[str, Organization] = {}
        self.count = 1
        self.county: Organization = do_create_root_organization(
            actor=ctx.admin,
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

    def org(
        self,
        parent: Organization,
        name: str,
        kind: str,
        *,
        sector: str,
        mode: str = "",
        address: str,
        postcode: str,
        mailbox: str,
        **contacts: str,
    ) -> Organization:
        codes = TRADES_SERVED.get(name, ())
        org: Organization = do_create_organization(
            actor=self.ctx.admin,
            parent=parent,
            trades=list(Trade.objects.filter(code__in=codes)) if codes else [],
            name=name,
            kind=kind,
            sector=sector,
            management_mode=mode,
            province_code=PROVINCE,
            city_code=CITY,
            county_code=COUNTY,
            address=address,
            postcode=postcode,
            phone=self.ctx.landline(),
            mailbox=mailbox,
            **contacts,
        )
        self.count += 1
        return org

    def place(self, parent: Organization, place: Place, town: Township) -> DemoBranch:
        """Make `place` under `parent`, in `town`, and draw how many members it has."""
        contacts = {}
        if place.kind == OrgKind.STATION:
            contacts = {"hotline": self.ctx.landline(), "sms_phone": self.ctx.mobile()}
        org = self.org(
            parent,
            place.name,
            place.kind,
            sector=place.sector,
            mode=place.mode,
            address=place.address if isinstance(place.address, str) else place.address(),
            postcode=town.postcode,
            mailbox=place.mailbox,
            **contacts,
        )
        low, high = place.sizes
        if self.ctx.small:
            low, high = max(2, low // 3), max(3, high // 3)
        branch = DemoBranch(org, place.profile, town.name, place.locality, 0)
        branch.size = self.ctx.rnd.randint(low, high)
        if org.kind not in relationship_kinds():
            # A station serves arriving members but holds nobody's relationship (the size is
            # still drawn, so the county draws the same numbers either way).
            branch.size = 0
        self.branches.append(branch)
        return branch

    def build(self) -> DemoCounty:
        rnd = self.ctx.rnd
        villages = rnd.sample(VILLAGES, len(VILLAGES))
        # pop() takes from the end: the `secretary` login's branch gets a fixed, known name.
        villages.remove("溪口")
        villages.append("溪口")
        communities = rnd.sample(COMMUNITIES, len(COMMUNITIES))
        for t_index, town in enumerate(SMALL_TOWNSHIPS if self.ctx.small else TOWNSHIPS):
            self.township(t_index, town, villages, communities)
        self.county_branches()
        return DemoCounty(
            county=self.county,
            townships=self.townships,
            branches=self.branches,
            secretary_branch=self.named["secretary_branch"],
            secretary2_branch=self.named["secretary2_branch"],
            station=self.named["station"],
            organizations=self.count,
        )

    def township(
        self, t_index: int, town: Township, villages: list[str], communities: list[str]
    ) -> None:
        ctx, code, seat = self.ctx, f"t{t_index + 1}", f"{REGION}{town.name}"
        township = self.org(
            self.county,
            town.committee,
            OrgKind.TOWNSHIP_COMMITTEE,
            sector=town.sector,
            address=ctx.street_address(seat, 99),
            postcode=town.postcode,
            mailbox=f"dw.{code}@qingshan.gov.cn",
            hotline=ctx.landline(),
        )
        self.townships.append(township)
        for i in range(town.villages):
            village = villages.pop()
            address = f"{seat}{village}村村民委员会"
            mailbox = f"cun.{code}.{i + 1:02d}"
            branch = self.local(township, town, f"{village}村", Sector.VILLAGE, address, mailbox)
            if t_index == 0 and i == 0:
                branch.size = 24 if ctx.small else 32
                self.named["secretary_branch"] = branch.org
        for i in range(town.communities):
            community = communities.pop()
            mailbox = f"sq.{code}.{i + 1:02d}"
            branch = self.local(
                township,
                town,
                f"{community}社区",
                Sector.COMMUNITY,
                partial(self.community_address, seat, community),
                mailbox,
            )
            if t_index == 1 and i == 0:
                self.named["secretary2_branch"] = branch.org
        for i in range(town.enterprises):
            company = ctx.company(self.companies)
            mailbox = f"dzb.{code}.e{i + 1:02d}@qsqy.com.cn"
            drawn = partial(ctx.street_address, seat, 300)
            self.place(
                township,
                enterprise(
                    f"{company}党支部", OrgKind.BRANCH, drawn, mailbox, company, (6, 20), ""
                ),
                town,
            )
        self.township_extras(town, township)

    def local(
        self,
        township: Organization,
        town: Township,
        locality: str,
        sector: str,
        address: str | Callable[[], str],
        mailbox: str,
    ) -> DemoBranch:
        """A village's or a community's branch: it takes in the mobile members who come to live
        there (integrated management)."""
        sizes = (18, 42) if sector == Sector.VILLAGE else (20, 55)
        place = Place(
            f"{town.name}{locality}党支部",
            OrgKind.BRANCH,
            sector,
            address,
            f"{mailbox}@qingshan.gov.cn",
            str(sector),
            locality,
            sizes,
            ManagementMode.INTEGRATED,
        )
        return self.place(township, place, town)

    def community_address(self, seat: str, community: str) -> str:
        return self.ctx.street_address(seat, 300) + f"{community}社区服务中心"

    def township_extras(self, town: Township, township: Organization) -> None:
        """The organizations only some townships have: stations, joint and mobile branches."""
        road = self.ctx.street_address(f"{REGION}{town.name}", 300)
        if town.name == "城南街道":
            self.named["station"] = self.place(
                township,
                station(
                    "城南街道流动党员报到站",
                    Sector.COMMUNITY,
                    f"{road}城南街道党群服务中心一楼",
                    "bdz.chengnan@qingshan.gov.cn",
                ),
                town,
            ).org
            joint = enterprise(
                "城南街道非公企业联合党支部",
                OrgKind.JOINT_BRANCH,
                f"{road}城南商贸城三楼",
                "lhdzb.chengnan@qingshan.gov.cn",
                "城南商贸城",
                (8, 15),
            )
            self.place(township, joint, town)
        elif town.name == "城北街道":
            association = Place(
                "青山县物流行业协会党支部",
                OrgKind.BRANCH,
                Sector.SOCIAL_ORGANIZATION,
                f"{road}物流园综合楼",
                "dzb@qswlxh.org.cn",
                "enterprise",
                "青山县物流行业协会",
                (8, 14),
                ManagementMode.SECTOR_BASED,
            )
            self.place(township, association, town)
        elif town.name == "桃源镇":
            company = self.ctx.company(self.companies)
            mailbox = "ldzb.taoyuan@qsqy.com.cn"
            mobile = enterprise(
                f"{company}流动党员党支部",
                OrgKind.MOBILE_BRANCH,
                f"{road}{company}",
                mailbox,
                company,
                (8, 14),
            )
            self.place(township, mobile, town)
        elif town.name == "青山经济开发区":
            self.park(town, township)

    def park(self, town: Township, township: Organization) -> None:
        """The development zone: a group's general branch with its own branches, a joint
        branch of small firms and a station."""
        general = self.org(
            township,
            f"{PARK_GROUP}党总支",
            OrgKind.GENERAL_BRANCH,
            sector=Sector.NON_PUBLIC_ENTERPRISE,
            address=PARK_SEAT,
            postcode=town.postcode,
            mailbox="dzz@qskg.com.cn",
        )
        group = PARK_GROUP
        for i, unit in enumerate(("生产部", "研发中心", "营销中心")):
            mailbox = f"dzb{i + 1}@qskg.com.cn"
            unit_branch = enterprise(
                f"{group}{unit}党支部", OrgKind.BRANCH, PARK_SEAT, mailbox, group, (15, 30), ""
            )
            self.place(general, unit_branch, town)
        mobile = enterprise(
            f"{group}流动党员党支部",
            OrgKind.MOBILE_BRANCH,
            PARK_SEAT,
            "ldzb@qskg.com.cn",
            group,
            (10, 16),
        )
        self.place(general, mobile, town)
        park = f"{REGION}青山经济开发区科技路6号"
        joint = enterprise(
            "青山经济开发区小微企业联合党支部",
            OrgKind.JOINT_BRANCH,
            f"{park}孵化楼",
            "lhdzb@qsjkq.gov.cn",
            "青山经济开发区小微企业",
            (8, 15),
        )
        self.place(township, joint, town)
        zone_station = station(
            "青山经济开发区流动党员服务站", Sector.PARK, f"{park}党群服务中心", "fwz@qsjkq.gov.cn"
        )
        self.place(township, zone_station, town)

    def county_branches(self) -> None:
        """Branches directly under the county committee: its own bodies and trade departments."""
        seat = TOWNSHIPS[6]  # 青山街道: the county seat
        specs = COUNTY_BRANCHES[:3] if self.ctx.small else COUNTY_BRANCHES
        for i, (name, kind, sector, mode, profile) in enumerate(specs):
            place = Place(
                name,
                kind,
                sector,
                partial(self.ctx.street_address, f"{REGION}青山街道", 200),
                f"xj{i + 1:02d}@qingshan.gov.cn",
                profile,
                name.removesuffix("党支部"),
                (2, 4) if profile == "station" else (12, 30),
                mode,
            )
            self.place(self.county, place, seat)


def _grant_demo_roles(ctx: DemoContext, made: DemoCounty) -> int:
    """The demo logins after `admin`: each with the role its name says."""
    grants = (
        ("county", made.county, RoleKind.COUNTY_OFFICER),
        ("inspector", made.county, RoleKind.INSPECTOR),
        ("town", made.townships[0], RoleKind.TOWNSHIP_OFFICER),
        ("secretary", made.secretary_branch, RoleKind.SECRETARY),
        ("secretary2", made.secretary2_branch, RoleKind.SECRETARY),
        ("station", made.station, RoleKind.COMMITTEE_MEMBER),
    )
    assert made.station.path.startswith(made.townships[1].path)
    for username, org, kind in grants:
        user = ctx.new_user(username, org_path=org.path)
        do_grant_role(actor=ctx.admin, user=user, organization=org, kind=kind)
    return len(grants) + 1


def build(ctx: DemoContext) -> None:
    # The migration seeds the trades; a database emptied since (a test's flush) lacks them.
    seed_trades(Trade)
    made = _Tree(ctx).build()
    ctx.write(f"  组织 {made.organizations} 个已建立")
    ctx.record_on = made.county
    ctx.put("county", replace(made, users=_grant_demo_roles(ctx, made)))


def count(ctx: DemoContext) -> dict[str, int]:
    made = ctx.get("county", DemoCounty)
    return {"organizations": made.organizations, "users": made.users}


DEMO = DemoPart(build=build, holds_data=Organization.objects.exists, count=count)
