"""Factories that build rows the way the app does: through the actions.

Every factory's `_create` calls the matching `do_*` action, so a test's data passes the same
`full_clean()`, scope checks and audit trail as data entered through the pages. The acting user
defaults to a system superuser; pass `actor=` to act as someone else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from core.models import User
from core.validators import id_check_char
from members.models import Education, Gender, Member, Membership, PersonnelCategory
from members.register.actions import do_archive_member, do_create_member
from organizations.actions import (
    do_create_organization,
    do_create_root_organization,
    do_grant_role,
)
from organizations.models import Organization, OrgKind, Role

SYSTEM_USERNAME = "system"
#: Every factory-made user's password.
PASSWORD = "correct-horse-battery"


def system_user() -> User:
    """The superuser the factories act as when a test does not name an actor."""
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def make_id_number(birth: dt.date, *, sequence: int, gender: str, region: str = "110101") -> str:
    """A valid 18-character ID-card number: region, birth date, sequence code, check character.

    The sequence code's last digit is odd for men and even for women (GB 11643).
    """
    code = (sequence % 100) * 10 + (1 if gender == Gender.MALE else 2) + (sequence // 100) % 4 * 2
    first17 = f"{region}{birth:%Y%m%d}{code % 1000:03d}"
    return first17 + id_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    """A county committee at the root, or any organization under `parent`."""

    class Meta:
        model = Organization

    parent: Any = None
    name = factory.Sequence(lambda n: f"组织{n}")
    kind = OrgKind.COUNTY_COMMITTEE
    #: Official numbers need the county code (Issue 9, item 12): a root county gets a code of
    #: its own (two counties never share one), everything under it its parent's.
    county_code = factory.LazyAttributeSequence(
        lambda o, n: o.parent.county_code if o.parent is not None else f"{110101 + n:06d}"
    )

    @classmethod
    def _create(cls, model_class: type[Organization], *args: Any, **kwargs: Any) -> Organization:
        parent = kwargs.pop("parent")
        actor = kwargs.pop("actor", None)
        if parent is None:
            return do_create_root_organization(actor=actor, **kwargs)
        return do_create_organization(actor=actor or system_user(), parent=parent, **kwargs)


class BranchFactory(OrganizationFactory):
    parent = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgKind.BRANCH


class RoleFactory(factory.django.DjangoModelFactory[Role]):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(BranchFactory)
    kind = "secretary"

    @classmethod
    def _create(cls, model_class: type[Role], *args: Any, **kwargs: Any) -> Role:
        actor = kwargs.pop("actor", None) or system_user()
        return do_grant_role(actor=actor, **kwargs)


def _birth_date(n: int) -> dt.date:
    # Spread over 40 years so that every sequence number gives its own birth date.
    return dt.date(1960, 1, 1) + dt.timedelta(days=(n * 17) % 14600)


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    """A full member with a valid ID-card number whose birth date and gender agree with it."""

    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    gender = factory.Iterator([Gender.MALE, Gender.FEMALE])
    birth_date = factory.Sequence(_birth_date)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(o.birth_date, sequence=n, gender=o.gender)
    )
    education = Education.UNDERGRADUATE
    personnel_category = PersonnelCategory.MIGRANT_WORKER
    home_org = factory.SubFactory(BranchFactory)
    joined_on = factory.LazyAttribute(lambda o: o.birth_date + dt.timedelta(days=365 * 25))
    full_member_on = factory.LazyAttribute(lambda o: o.joined_on + dt.timedelta(days=366))
    membership = Membership.FULL
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @classmethod
    def _create(cls, model_class: type[Member], *args: Any, **kwargs: Any) -> Member:
        actor = kwargs.pop("actor", None) or system_user()
        return do_create_member(actor=actor, **kwargs)


def archive(member: Member, *, reason: str = "迁出本县", actor: User | None = None) -> Member:
    return do_archive_member(actor=actor or system_user(), member=member, reason=reason)
