"""Shared builders of the registration-request tests (no tests here).

Personas: Гүлнара, head of HR (puts the visa); Айдана, HR officer (files on behalf, no visa);
Айгүл, responsible for AVN; Бекзат, responsible for 1C; an employee applicant Бакыт Асанов.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.urls import reverse

from accounts import roles
from accounts.models import Department, Position
from registry.models import InformationSystem, ReportSection
from registry.services import system_assign_responsible

BISHKEK = ZoneInfo("Asia/Bishkek")
REGISTER_URL = reverse("accounts:register")
QUEUE_URL = reverse("accounts:request-queue")
NEW_URL = reverse("accounts:request-new")
PASSWORD = "Bishkek#Tal8-Sun"


def make_department(code: str = "PI-1") -> Department:
    return Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky="Программалык камсыздоо кафедрасы",
        name_ru="Кафедра программного обеспечения",
        name_en="Software Engineering Chair",
        registration_code=code,
    )


def make_position() -> Position:
    return Position.objects.create(
        code="senior-lecturer",
        name_ky="Улук окутуучу",
        name_ru="Старший преподаватель",
        name_en="Senior lecturer",
        is_teaching=True,
    )


def make_hr_head(make_user, username="hr_gulnara", **fields):
    fields.setdefault("first_name", "Гүлнара")
    fields.setdefault("last_name", "Осмонова")
    return make_user(username, roles=[roles.HR_HEAD], **fields)


def make_responsible(make_user, username: str, system_code: str, **fields):
    it = make_user(f"it_for_{username}", roles=[roles.IT_DEPARTMENT])
    person = make_user(username, roles=[roles.IS_RESPONSIBLE], **fields)
    system_assign_responsible(
        actor=it, system=InformationSystem.objects.get(code=system_code), user=person
    )
    return person


def system_pk(code: str) -> int:
    return InformationSystem.objects.get(code=code).pk


def section_pk(system_code: str, section_code: str) -> int:
    return ReportSection.objects.get(system__code=system_code, code=section_code).pk


def form_data(department, position, *, systems=None, sections=(), **overrides) -> dict:
    """A valid application: Бакыт Асанов asks for AVN (enter/edit) unless told otherwise."""
    systems = {"avn": "edit"} if systems is None else systems
    data = {
        "last_name": "Асанов",
        "first_name": "Бакыт",
        "patronymic": "Жумабекович",
        "department": str(department.pk),
        "position": str(position.pk),
        "work_phone": "+996 312 54-51-25",
        "mobile_phone": "+996 555 12-34-56",
        "personal_email": "bakyt.asanov@example.com",
    }
    for code, level in systems.items():
        data[f"system_{system_pk(code)}"] = "on"
        data[f"level_{system_pk(code)}"] = level
    data["report_sections"] = [section_pk(code, section) for code, section in sections]
    data.update(overrides)
    return data


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BISHKEK)


def activation_path(message) -> str:
    match = re.search(r"/accounts/activate/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(0)


def tracking_path(message) -> str:
    match = re.search(r"/accounts/register/track/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(0)
