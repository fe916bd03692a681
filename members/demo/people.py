# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county's members: about 4,000 people drawn to look like a county's party members
(ages, education, occupations by kind of branch), a few suspended, dead or moved away."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings

from core.demo import COUNTY, REGION, ROADS, DemoContext
from core.validators import id_check_char
from members.builders import decide_standing
from members.models import (
    DecisionKind,
    Education,
    Gender,
    Member,
    Membership,
    PersonnelCategory,
    Standing,
)
from members.register.actions import do_archive_member, do_create_member
from organizations.demo import DemoBranch, DemoCounty

#: A member of `secretary`'s branch with a name no generated member has: browser tests look
#: for it (name search, pinyin "simaqinghe", initials "smqh").
DISTINCTIVE_MEMBER_NAME = "司马青禾"
#: At least this many members lost a year ago or more (for the lost members' two clocks).
LONG_LOST_AT_LEAST = 4
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
OTHER_ETHNICITIES = ("畲族", "畲族", "畲族", "回族", "满族", "土家族", "苗族", "壮族")


class People:
    """Draws the members of every branch the organizations part made, and registers them."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.county = ctx.get("county", DemoCounty)
        self.seen_ids: set[str] = set()

    @property
    def rnd(self) -> random.Random:
        return self.ctx.rnd

    def _age(self) -> int:
        # Party membership skews older: about a third of members are over sixty.
        band = self.rnd.choices(
            ((20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 85)),
            weights=(12, 15, 18, 20, 18, 17),
        )[0]
        return self.rnd.randint(*band)

    def id_number(self, birth: dt.date, gender: str) -> str:
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

    def _home_address(self, branch: DemoBranch) -> tuple[str, str]:
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

    def _work(self, category: str, branch: DemoBranch) -> tuple[str, str]:
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
                return self.ctx.company(set()), self.rnd.choice(
                    ("建筑工人", "电工", "焊工", "快递员", "厨师", "装修工", "货车司机")
                )
            case PersonnelCategory.SELF_EMPLOYED:
                return "个体经营", self.rnd.choice(
                    ("个体工商户", "经营小超市", "经营农家乐", "经营餐馆", "电商店主")
                )
            case PersonnelCategory.WORKER:
                return self.ctx.company(set()), self.rnd.choice(
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

    def _member_fields(self, branch: DemoBranch) -> dict[str, Any]:
        gender = Gender.MALE if self.rnd.random() < 0.68 else Gender.FEMALE
        # Faker's zh_CN name_male() ignores gender; its gendered given-name lists do not.
        given = (
            self.ctx.fake.first_name_male()
            if gender == Gender.MALE
            else self.ctx.fake.first_name_female()
        )
        name = self.ctx.fake.last_name() + given
        age = self._age()
        # Born between age+1 years ago (exclusive) and age years ago: the member is `age` today.
        latest = self.ctx.years_before(self.ctx.today, age)
        earliest = self.ctx.years_before(self.ctx.today, age + 1) + dt.timedelta(days=1)
        birth = self.ctx.date_between(earliest, latest)
        adult = self.ctx.years_after(birth, settings.MEMBERS_MIN_JOIN_AGE)
        # Most people join in their twenties or thirties; some recent joiners are probationary.
        if self.rnd.random() < 0.03 and age < 45:
            joined = self.ctx.date_between(
                max(adult, self.ctx.today - dt.timedelta(days=330)), self.ctx.today
            )
        else:
            join_age = min(age - 1, self.rnd.choice((18, 19, 20, 22, 24, 26, 28, 30, 33, 36, 40)))
            start = max(adult, self.ctx.years_after(birth, join_age))
            end = self.ctx.years_before(self.ctx.today, 1)
            joined = self.ctx.date_between(min(start, end), end)
        if joined > self.ctx.years_before(self.ctx.today, 1):
            membership, full_on = Membership.PROBATIONARY, None
        else:
            membership, full_on = Membership.FULL, self.ctx.years_after(joined, 1)
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
                employer = self.ctx.company(set(), prefix=city)
        # A few percent of the mobile members out of touch, as in a real county (issue 9, item 5).
        lost = self.rnd.random() < (0.03 if is_mobile else 0.004)
        lost_since = None
        if lost:
            lost_since = self.ctx.date_between(
                max(joined, self.ctx.years_before(self.ctx.today, 4)),
                self.ctx.today - dt.timedelta(days=45),
            )
        phone = "" if age > 78 and self.rnd.random() < 0.3 else self.ctx.mobile()
        return {
            "name": name,
            "gender": gender,
            "ethnicity": ethnicity,
            "id_number": self.id_number(birth, gender),
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
        for branch in self.county.branches:
            for _ in range(branch.size):
                rows.append(self._member_fields(branch))
        self._lost_long_ago(rows)
        # A known member in `secretary`'s branch: an ordinary, active full member.
        distinctive = next(
            r
            for r in rows
            if r["home_org"] == self.county.secretary_branch
            and not r["lost_contact"]
            and not r["is_mobile"]
            and r["membership"] == Membership.FULL
        )
        distinctive["name"] = DISTINCTIVE_MEMBER_NAME
        return rows

    def _lost_long_ago(self, rows: list[dict[str, Any]]) -> None:
        """Few members are out of touch, but the two clocks of lost members (suspension due,
        strike-off due: members/demo/standing.py) need some lost one to four years ago, whatever
        the draw: members who left without a word, not registered as away."""
        year_ago = self.ctx.years_before(self.ctx.today, 1)
        have = sum(1 for r in rows if r["lost_contact"] and r["lost_contact_since"] < year_ago)
        candidates = [
            r
            for r in rows
            if not r["lost_contact"]
            and not r["is_mobile"]
            and r["home_org"] != self.county.secretary_branch
            and r["joined_on"] < self.ctx.years_before(self.ctx.today, 5)
        ]
        for i, row in enumerate(candidates[3::7][: max(0, LONG_LOST_AT_LEAST - have)]):
            row["lost_contact"] = True
            row["lost_contact_since"] = self.ctx.years_before(self.ctx.today, 4 - i % 3)

    def create(self) -> list[Member]:
        admin = self.ctx.admin
        rows = self._plan_members()
        members = [do_create_member(actor=admin, **row) for row in rows]
        # A few who died: their deaths recorded (a decision the committee approves), kept on the
        # register (never deleted) but archived below.
        old = [
            m
            for m in members
            if m.birth_date < self.ctx.years_before(self.ctx.today, 78)
            and m.name != DISTINCTIVE_MEMBER_NAME
        ][:3]
        for m in old:
            decide_standing(
                m,
                kind=DecisionKind.DECEASED,
                proposer=admin,
                approver=admin,
                on=self.ctx.days_ago(self.rnd.randint(20, 300)),
                grounds="党员因病去世，家属已告知党支部。",
            )
        reasons = {m.pk: "党员去世" for m in old}
        movers = [
            m for m in members[50::700] if m.pk not in reasons and m.name != DISTINCTIVE_MEMBER_NAME
        ][:3]
        reasons.update({m.pk: "组织关系已转出本县" for m in movers})
        by_pk = {m.pk: m for m in members}
        for pk, reason in reasons.items():
            by_pk[pk] = do_archive_member(actor=admin, member=by_pk[pk], reason=reason)
        return list(by_pk.values())
