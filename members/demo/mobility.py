# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county's absences in every state, certificates, and lost and found members."""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext
from members.builders import (
    away,
    check_in,
    found_arrival,
    found_member,
    issue_certificate,
    lose_contact,
)
from members.certificates.actions import (
    do_check_certificate,
    do_replace_certificate,
    do_revoke_certificate,
)
from members.demo.people import DISTINCTIVE_MEMBER_NAME, People
from members.mobility.actions import do_end_episode
from members.models import (
    Certificate,
    CertificateKind,
    CheckResult,
    ContactChannel,
    EpisodeStatus,
    Gender,
    Member,
    MobilityEpisode,
    OccupationCategory,
    Standing,
)
from organizations.demo import DemoCounty
from organizations.models import Organization, Trade


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


#: The trades (行业) the demo's members away work in, in turn; some name none (issue 9, item 11).
DEMO_TRADES = ("construction", "courier", "", "food_delivery", "manufacturing", "transport", "")


def pairing(member: Member, i: int) -> dict[str, object]:
    """The trade of the `i`-th absence, and for every other one a party member of the home
    branch as the designated contact (结对党员; issue 9, item 11)."""
    trades = {trade.code: trade for trade in Trade.objects.all()}
    fields: dict[str, object] = {"trade": trades.get(DEMO_TRADES[i % len(DEMO_TRADES)])}
    if i % 2 == 0:
        fields["contact_member"] = Member.objects.pairing_partners(member).first()
    return fields


def create_episodes(ctx: DemoContext, members: list[Member]) -> int:
    """Absences in every state, through the actions: registered (away outside the county),
    checked in at the second township's station (moved within the county), returned. Most
    name the member's trade, and half a party member of the branch as the contact."""
    count = 0
    for member in members:
        if not member.is_mobile or member.archived_at is not None:
            continue
        province, city, county = split_destination(member.mobile_destination)
        away(
            member,
            actor=ctx.admin,
            out_date=ctx.date_between(ctx.years_before(ctx.today, 3), ctx.days_ago(30)),
            destination_province=province,
            destination_city=city,
            destination_county=county,
            employer=member.employer,
            occupation=OccupationCategory.MIGRANT_WORKER,
            reason="外出务工",
            phone_there=member.phone,
            **pairing(member, count),
        )
        count += 1
    # Members of the first township working in the second: checked in at its station,
    # some of them back home already.
    station = ctx.get("county", DemoCounty).station
    step, most = (8, 8) if ctx.small else (60, 20)
    movers = [
        m
        for m in members
        if not m.is_mobile
        and m.archived_at is None
        and m.standing == Standing.NORMAL
        and not m.home_org.path.startswith(station.path[: 2 * Organization.steplen])
        and m.name != DISTINCTIVE_MEMBER_NAME
    ][7::step][:most]
    for i, member in enumerate(movers):
        left = ctx.date_between(ctx.years_before(ctx.today, 2), ctx.today)
        reason = "到城南街道企业就业"
        episode = away(
            member,
            actor=ctx.admin,
            out_date=left,
            destination_province="浙江省",
            destination_city="杭州市",
            destination_county="青山县",
            employer=ctx.company(set()),
            occupation=OccupationCategory.NON_PUBLIC_EMPLOYEE,
            reason=reason,
            intended_org=station,
            **pairing(member, i),
        )
        count += 1
        if i % 4 == 3:
            continue  # registered, not yet checked in
        if i % 2 == 0:
            # An activity certificate taken along: check-in fills its inflow part.
            issue_certificate(member, actor=ctx.admin, on=left, reason=reason, episode=episode)
        arrived = min(left + dt.timedelta(days=ctx.rnd.randint(2, 20)), ctx.today)
        check_in(member, actor=ctx.admin, at=station, on=arrived)
        if i % 4 == 2 and arrived < ctx.today:
            do_end_episode(
                actor=ctx.admin,
                episode=episode,
                status=EpisodeStatus.RETURNED,
                ended_on=ctx.date_between(arrived, ctx.today),
                note="返乡",
            )
    return count


def create_certificates(ctx: DemoContext) -> int:
    """Activity certificates for most members away outside the county (some checked for
    last year, one revoked, one replaced) and certificate letters for short trips."""
    admin, count = ctx.admin, Certificate.objects.count()
    away_outside = list(
        MobilityEpisode.objects.filter(status=EpisodeStatus.REGISTERED, intended_org=None)
        .select_related("member")
        .order_by("id")
    )
    issued = [
        issue_certificate(
            episode.member,
            actor=admin,
            on=episode.out_date,
            reason=episode.reason,
            episode=episode,
        )
        for episode in away_outside[::3]
    ]
    last_year = ctx.today.year - 1
    for certificate in issued:
        if certificate.issued_on.year <= last_year:
            do_check_certificate(
                actor=admin,
                certificate=certificate,
                year=last_year,
                # Checked at the year's democratic evaluation, or on the day of a late issue.
                checked_on=max(dt.date(last_year, 12, 20), certificate.issued_on),
                result=CheckResult.PASSED,
                note="随年度民主评议一并审验",
            )
    if len(issued) > 2:
        do_revoke_certificate(
            actor=admin,
            certificate=issued[0],
            ended_on=ctx.today,
            reason="本人已在流入地长期定居，应转移组织关系",
        )
        do_replace_certificate(
            actor=admin, certificate=issued[1], issued_on=ctx.today, reason="原证遗失，申请补办"
        )
    # Short trips: a certificate letter, valid a month.
    travellers = (
        Member.objects.active()
        .filter(
            is_mobile=False,
            lost_contact=False,
            home_org=ctx.get("county", DemoCounty).secretary_branch,
        )
        .exclude(name=DISTINCTIVE_MEMBER_NAME)
        .order_by("-id")[:2]
    )
    for member in travellers:
        issue_certificate(
            member,
            actor=admin,
            kind=CertificateKind.LETTER,
            on=ctx.days_ago(ctx.rnd.randint(1, 10)),
            reason="短期外出学习培训",
        )
    return Certificate.objects.count() - count


def create_lost_and_found(
    ctx: DemoContext, people: People, members: list[Member]
) -> tuple[int, int]:
    """Absences lost from sight (双找 with a few attempts recorded), members found at the
    station without an outflow registration, and people found whose home organization is
    not in the system."""
    admin, made = ctx.admin, ctx.get("county", DemoCounty)
    lost = list(
        MobilityEpisode.objects.filter(
            status=EpisodeStatus.REGISTERED, intended_org=None, member__lost_contact=False
        )
        .select_related("member")
        .order_by("-id")[: 3 if ctx.small else 8]
    )
    for episode in lost:
        since = min(episode.out_date + dt.timedelta(days=ctx.rnd.randint(60, 300)), ctx.today)
        lose_contact(
            episode.member,
            actor=admin,
            since=since,
            last_known_place=f"{episode.destination}{episode.employer}",
            tried_on=ctx.date_between(since, ctx.today),
            channel=ContactChannel.PHONE,
            result="电话无人接听，已请流入地社区协助查找",
        )
    station, first_township = made.station, made.townships[0]
    step = 11 if ctx.small else 97
    candidates = [
        m
        for m in members
        if not m.is_mobile
        and not m.lost_contact
        and m.archived_at is None
        and m.home_org.path.startswith(first_township.path)
        and m.home_org_id != made.secretary_branch.pk
        and m.name != DISTINCTIVE_MEMBER_NAME
    ][3::step][:3]
    for member in candidates:
        found_member(
            member,
            actor=admin,
            at=station,
            on=ctx.days_ago(ctx.rnd.randint(5, 60)),
            residence=ctx.street_address("城南街道", 200),
            employer=ctx.company(set()),
            reason="未办理外出登记，到城南街道务工",
        )
    for claimed in ("中共江西省上饶市广丰区湖丰镇委员会", "中共安徽省六安市金寨县梅山镇委员会"):
        birth = ctx.date_between(ctx.years_before(ctx.today, 50), ctx.years_before(ctx.today, 25))
        gender = ctx.rnd.choice([Gender.MALE, Gender.FEMALE])
        found_arrival(
            actor=admin,
            at=station,
            id_number=people.id_number(birth, gender),
            name=ctx.fake.name_male() if gender == Gender.MALE else ctx.fake.name_female(),
            claimed_home_org=claimed,
            on=ctx.days_ago(ctx.rnd.randint(3, 40)),
            phone=ctx.mobile(),
            residence=ctx.street_address("城南街道", 200),
        )
    return len(lost), len(candidates) + 2
