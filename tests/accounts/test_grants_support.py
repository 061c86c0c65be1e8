"""Helpers shared by the access-task and personnel-order tests (no tests here).

Test data is made directly with the models or ``access_task_create``, each test bringing its
own systems, so the same helpers serve transactional tests (which start from emptied tables).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from accounts import roles
from accounts.models import AccessGrant, Department, Position, User
from registry.models import InformationSystem
from registry.services import system_assign_responsible

BISHKEK = ZoneInfo("Asia/Bishkek")


def at(moment: dt.datetime):
    """Freeze the clock at an aware moment (Asia/Bishkek)."""
    return time_machine.travel(moment, tick=False)


def bishkek(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BISHKEK)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=BISHKEK)


def make_system(code: str, name: str | None = None) -> InformationSystem:
    name = name or code.upper()
    return InformationSystem.objects.create(
        code=code, name_ky=name, name_ru=name, name_en=name, address=f"{code}.kstu.kg"
    )


def make_department(code: str, *, head: User | None = None) -> Department:
    return Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky=f"Кафедра {code}",
        name_ru=f"Кафедра {code}",
        name_en=f"Chair {code}",
        registration_code=code,
        head=head,
    )


def make_position(code: str) -> Position:
    return Position.objects.create(code=code, name_ky=code, name_ru=code, name_en=code.title())


def root_user(make_user) -> User:
    return User.objects.filter(username="root").first() or make_user(
        "root", is_superuser=True, is_staff=True
    )


def make_responsible(make_user, username: str, *, systems, **fields) -> User:
    person = make_user(username, roles=[roles.IS_RESPONSIBLE], **fields)
    admin = root_user(make_user)
    for system in systems:
        system_assign_responsible(actor=admin, system=system, user=person)
    return person


def done_grant(*, user, system, level="edit", decided_at=None) -> AccessGrant:
    """A grant already carried out (the person has the access)."""
    decided_at = decided_at or bishkek(2025, 1, 10)
    return AccessGrant.objects.create(
        user=user,
        system=system,
        kind=AccessGrant.Kind.GRANT,
        access_level=level,
        granted_level=level,
        status=AccessGrant.Status.DONE,
        due_at=decided_at,
        decided_at=decided_at,
        created_at=decided_at - dt.timedelta(days=1),
    )
