# Messages use full-width Chinese punctuation, which RUF001 mistakes for look-alikes.
"""The demo county's absences in every state, certificates, and lost and found members."""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext
from members.builders import (
    away,
    check_in,
    check_in_outside,
    found_arrival,
    found_member,
    issue_certificate,
    lose_contact,
    move_on,
)
from members.certificates.actions import (
    do_check_certificate,
    do_replace_certificate,
    do_revoke_certificate,
)
from members.demo.people import DISTINCTIVE_MEMBER_NAME, People
from members.mobility.actions import (
    do_end_episode,
    do_record_contact,
    do_record_report,
    do_update_episode,
)
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
    OutsideConfirmation,
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


#: Of the members away outside the county, one in this many has not checked in yet; the others
#: (but those out of touch) reported where they checked in, as in a real county (issue 9,
#: item 5).
NOT_CHECKED_IN_EVERY = 7
#: How the home branch confirmed a check-in outside the system, and how often.
CONFIRMATIONS: dict[str, int] = {
    OutsideConfirmation.PHONE: 5,
    OutsideConfirmation.CERTIFICATE_PHOTO: 3,
    OutsideConfirmation.WECHAT: 2,
    OutsideConfirmation.LETTER: 1,
}
#: The kinds of party organization a member away checks in with.
OUTSIDE_ORGANIZATIONS = ("街道党工委", "流动党员党委", "社区党委", "工业园区党委", "人才中心党委")


def record_outside_check_in(ctx: DemoContext, episode: MobilityEpisode) -> None:
    """The home branch records where the member of `episode` checked in, in the place they
    went to (no organization there works in this system)."""
    place = (
        f"{episode.destination_city or episode.destination_province}{episode.destination_county}"
    )
    kind = ctx.rnd.choice(OUTSIDE_ORGANIZATIONS)
    if episode.employer and ctx.rnd.random() < 0.3:
        organization = f"中共{episode.employer}支部委员会"
    else:
        organization = f"中共{place}{kind}"
    check_in_outside(
        episode,
        actor=ctx.admin,
        organization=organization,
        on=min(episode.out_date + dt.timedelta(days=ctx.rnd.randint(3, 40)), ctx.today),
        confirmed_by=ctx.rnd.choices(list(CONFIRMATIONS), list(CONFIRMATIONS.values()))[0],
        contact_name=ctx.fake.name(),
        contact_phone=ctx.mobile(),
        address=ctx.street_address(place, 300),
    )


#: The trades (行业) the demo's members away work in, in turn; some name none (issue 9, item 11).
DEMO_TRADES = ("construction", "courier", "", "food_delivery", "manufacturing", "transport", "")


def pairing(member: Member, i: int, trades: dict[str, Trade]) -> dict[str, object]:
    """The trade of the `i`-th absence (from `trades` by code), and for every other one a party
    member of the home branch as the designated contact (结对党员; issue 9, item 11)."""
    fields: dict[str, object] = {"trade": trades.get(DEMO_TRADES[i % len(DEMO_TRADES)])}
    if i % 2 == 0:
        fields["contact_member"] = Member.objects.pairing_partners(member).first()
    return fields


def create_episodes(ctx: DemoContext, members: list[Member]) -> int:
    """Absences in every state, through the actions: away outside the county (mostly checked
    in there, outside the system; some not yet), checked in at the second township's station
    (moved within the county), returned. Most name the member's trade, and half a party member
    of the branch as the contact."""
    count = 0
    trades = {trade.code: trade for trade in Trade.objects.all()}
    for member in members:
        if not member.is_mobile or member.archived_at is not None:
            continue
        waiting = count % NOT_CHECKED_IN_EVERY == NOT_CHECKED_IN_EVERY - 1
        province, city, county = split_destination(member.mobile_destination)
        episode = away(
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
            **pairing(member, count, trades),
        )
        count += 1
        if not (waiting or member.lost_contact):
            record_outside_check_in(ctx, episode)
    # Members of the first township working in the second: checked in at its station,
    # some of them back home already.
    demo_county = ctx.get("county", DemoCounty)
    station = demo_county.station
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
            **pairing(member, i, trades),
        )
        count += 1
        if i % 8 == 3:
            continue  # registered, not yet checked in
        if i % 2 == 0:
            # An activity certificate taken along: check-in fills its inflow part.
            issue_certificate(member, actor=ctx.admin, on=left, reason=reason, episode=episode)
        arrived = min(left + dt.timedelta(days=ctx.rnd.randint(2, 20)), ctx.today)
        check_in(member, actor=ctx.admin, at=station, on=arrived)
        if i < 2 and arrived < ctx.today:
            moved_on = ctx.date_between(arrived, ctx.today)
            if i == 0:
                # Moved on from the station to a community of the same township (Issue 9,
                # item 4): the station's share goes, its departure part is filled.
                move_on(member, actor=ctx.admin, at=demo_county.secretary2_branch, on=moved_on)
            else:
                do_update_episode(
                    actor=ctx.admin,
                    episode=episode,
                    changed_on=moved_on,
                    channel=ContactChannel.VIA_INFLOW,
                    destination_address="城南街道新村路18号",
                    phone_there=member.phone,
                    note="搬到单位宿舍",
                )
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
    last year, one of them failed and handled, one revoked, one replaced) and certificate
    letters for short trips (one expired by the next)."""
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
    # Checked last year; when every certificate is this year's (a small county's draw), the
    # latest is checked this year, so that a failed check is always there.
    checked = [c for c in issued if c.issued_on.year <= last_year] or issued[-1:]
    for n, certificate in enumerate(checked):
        year = last_year if certificate.issued_on.year <= last_year else ctx.today.year
        # Checked at the year's democratic evaluation, or on the day of a late issue.
        checked_on = min(max(dt.date(year, 12, 20), certificate.issued_on), ctx.today)
        # The last one failed, and the branch followed it up (Issue 9, item 7).
        failed = n == len(checked) - 1
        do_check_certificate(
            actor=admin,
            certificate=certificate,
            year=year,
            checked_on=checked_on,
            result=CheckResult.FAILED if failed else CheckResult.PASSED,
            note="随年度民主评议一并审验",
            handling="长期未参加流入地组织生活，支部书记电话谈心谈话并提出批评" if failed else "",
            handled_on=checked_on if failed else None,
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
    for n, member in enumerate(travellers):
        if n == 0:
            # An earlier trip's letter, past its validity: the new one expires it (Issue 9,
            # item 7).
            issue_certificate(
                member,
                actor=admin,
                kind=CertificateKind.LETTER,
                on=ctx.days_ago(60),
                valid_until=ctx.days_ago(30),
                reason="短期外出考察",
            )
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


#: What a branch's contacts and members' reports say (the pairing card's log).
CONTACT_SUMMARIES = (
    "电话联系，了解务工和生活情况，提醒按时参加流入地组织生活",
    "微信视频交流，转发本月学习资料",
    "通过流入地党组织了解近况，表现良好",
    "春节前走访家属，转达支部的问候",
)
REPORT_SUMMARIES = (
    "汇报在外工作学习情况，参加了流入地主题党日活动",
    "书面汇报思想和工作情况，已按时交纳党费",
    "电话汇报近况，下月回乡参加支部大会",
)


def create_contacts(ctx: DemoContext) -> tuple[int, int]:
    """Most members away keep in touch: a contact in the last few weeks for most of them and a
    regular report within their interval for most; a few fall behind (the lists and the
    nightly checks show them). Answers (contacts, reports)."""
    contacts = reports = 0
    away_now = (
        MobilityEpisode.objects.filter(
            status__in=[EpisodeStatus.REGISTERED, EpisodeStatus.CHECKED_IN],
            member__archived_at=None,
        )
        .select_related("member")
        .order_by("id")
    )
    for episode in away_now:
        member = episode.member
        since = episode.out_date + dt.timedelta(days=1)
        if since >= ctx.today:
            continue
        if ctx.rnd.random() < 0.9:
            do_record_contact(
                actor=ctx.admin,
                member=member,
                contacted_on=max(since, ctx.days_ago(ctx.rnd.randint(3, 80))),
                channel=ctx.rnd.choice(
                    (ContactChannel.PHONE, ContactChannel.WECHAT, ContactChannel.VIA_INFLOW)
                ),
                summary=ctx.rnd.choice(CONTACT_SUMMARIES),
            )
            contacts += 1
        if ctx.rnd.random() < 0.88:
            within = max(member.report_every_months * 30 - 10, 5)
            do_record_report(
                actor=ctx.admin,
                member=member,
                reported_on=max(since, ctx.days_ago(ctx.rnd.randint(2, within))),
                channel=ctx.rnd.choice((ContactChannel.PHONE, ContactChannel.LETTER)),
                summary=ctx.rnd.choice(REPORT_SUMMARIES),
            )
            reports += 1
    return contacts, reports
