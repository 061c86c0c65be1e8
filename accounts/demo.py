"""A small demo university: units, positions and one user per role (``seed_demo``).

Idempotent: rows are found by their natural keys and created only when missing; existing
passwords are never overwritten, so a demo user who changed theirs keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import Department, Position, User

DEMO_PASSWORD = "Kstu#Demo2026"  # noqa: S105 - published demo password, DEBUG only

# (code, kind, parent code, ky, ru, en)
DEPARTMENTS = [
    ("R", "administrative", None, "Ректорат", "Ректорат", "Rector's office"),
    (
        "IIT",
        "institute",
        None,
        "Маалыматтык технологиялар институту",
        "Институт информационных технологий",
        "Institute of Information Technology",
    ),
    (
        "IIT-FIT",
        "faculty",
        "IIT",
        "Маалыматтык технологиялар факультети",
        "Факультет информационных технологий",
        "Faculty of Information Technology",
    ),
    (
        "IIT-SE",
        "chair",
        "IIT-FIT",
        "Программалык инженерия кафедрасы",
        "Кафедра программной инженерии",
        "Chair of Software Engineering",
    ),
    (
        "IIT-CS",
        "chair",
        "IIT-FIT",
        "Информатика жана эсептөө техникасы кафедрасы",
        "Кафедра информатики и вычислительной техники",
        "Chair of Computer Science",
    ),
    ("IE", "institute", None, "Энергетика институту", "Институт энергетики", "Institute of Energy"),
    (
        "IE-EPS",
        "chair",
        "IE",
        "Электр энергетикасы кафедрасы",
        "Кафедра электроэнергетики",
        "Chair of Electric Power Engineering",
    ),
    (
        "HR",
        "administrative",
        "R",
        "Адам ресурстары бөлүмү",
        "Отдел кадров",
        "Human resources department",
    ),
    (
        "IT",
        "administrative",
        "R",
        "Санариптик инфраструктура кызматы",
        "Служба цифровой инфраструктуры",
        "Digital infrastructure service",
    ),
    (
        "SDD",
        "administrative",
        "R",
        "Программалык камсыздоону иштеп чыгуу бөлүмү",
        "Отдел разработки программного обеспечения",
        "Software development department",
    ),
    (
        "QA",
        "administrative",
        "R",
        "Билим берүүнүн сапаты бөлүмү",
        "Отдел качества образования",
        "Quality department",
    ),
    ("AO", "administrative", "R", "Окуу бөлүмү", "Учебный отдел", "Academic office"),
    (
        "SSC",
        "administrative",
        "R",
        "Студенттерди тейлөө борбору",
        "Центр обслуживания студентов",
        "Student service centre",
    ),
    ("ACC", "administrative", "R", "Бухгалтерия", "Бухгалтерия", "Accounting"),
    (
        "PF",
        "administrative",
        "R",
        "Пландоо-финансы бөлүмү",
        "Планово-финансовый отдел",
        "Planning and finance department",
    ),
    ("LIB", "administrative", "R", "Китепкана", "Библиотека", "Library"),
    (
        "AUD",
        "administrative",
        "R",
        "Ички аудит бөлүмү",
        "Отдел внутреннего аудита",
        "Internal audit department",
    ),
]

# (code, ky, ru, en, teaching)
POSITIONS = [
    ("rector", "Ректор", "Ректор", "Rector", False),
    ("vice-rector", "Проректор", "Проректор", "Vice-rector", False),
    ("head-of-chair", "Кафедра башчысы", "Заведующий кафедрой", "Head of chair", True),
    (
        "hr-head",
        "Адам ресурстары бөлүмүнүн башчысы",
        "Начальник отдела кадров",
        "Head of HR",
        False,
    ),
    (
        "hr-specialist",
        "Адам ресурстары боюнча адис",
        "Специалист по кадрам",
        "HR specialist",
        False,
    ),
    ("engineer", "Инженер-программист", "Инженер-программист", "Software engineer", False),
    ("senior-lecturer", "Улук окутуучу", "Старший преподаватель", "Senior lecturer", True),
    (
        "quality-specialist",
        "Сапат боюнча адис",
        "Специалист по качеству",
        "Quality specialist",
        False,
    ),
    (
        "it-head",
        "Санариптик инфраструктура кызматынын башчысы",
        "Руководитель службы цифровой инфраструктуры",
        "Head of digital infrastructure",
        False,
    ),
    ("auditor", "Ички аудитор", "Внутренний аудитор", "Internal auditor", False),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str | None
    last_name: str
    first_name: str
    patronymic: str
    department: str | None
    position: str | None
    kind: str = User.Kind.EMPLOYEE
    staff: bool = False
    superuser: bool = False
    heads: str | None = None


DEMO_USERS = [
    DemoUser(
        "admin", None, "Администратор", "Система", "", "IT", "engineer", staff=True, superuser=True
    ),
    DemoUser("rector", roles.RECTOR, "Асанов", "Бакыт", "Токтогулович", "R", "rector", heads="R"),
    DemoUser(
        "vicerector", roles.VICE_RECTOR, "Жумабаева", "Айгүл", "Маратовна", "R", "vice-rector"
    ),
    DemoUser(
        "chairhead",
        roles.UNIT_HEAD,
        "Осмонов",
        "Нурлан",
        "Садырович",
        "IIT-SE",
        "head-of-chair",
        kind=User.Kind.TEACHER,
        heads="IIT-SE",
    ),
    DemoUser(
        "hrhead",
        roles.HR_HEAD,
        "Токтосунова",
        "Гүлнара",
        "Бекболотовна",
        "HR",
        "hr-head",
        staff=True,
        heads="HR",
    ),
    DemoUser(
        "hrofficer",
        roles.HR_OFFICER,
        "Сыдыкова",
        "Жылдыз",
        "Эсенбековна",
        "HR",
        "hr-specialist",
        staff=True,
    ),
    DemoUser(
        "isresponsible",
        roles.IS_RESPONSIBLE,
        "Абдыкадыров",
        "Эмил",
        "Кубанычбекович",
        "IT",
        "engineer",
    ),
    DemoUser(
        "teacher",
        roles.TEACHER,
        "Мамытова",
        "Чолпон",
        "Алмазбековна",
        "IIT-SE",
        "senior-lecturer",
        kind=User.Kind.TEACHER,
    ),
    DemoUser(
        "student",
        roles.STUDENT,
        "Бекмуратов",
        "Азамат",
        "Улукбекович",
        "IIT-SE",
        None,
        kind=User.Kind.STUDENT,
    ),
    DemoUser(
        "parent",
        roles.PARENT,
        "Бекмуратова",
        "Динара",
        "Каныбековна",
        None,
        None,
        kind=User.Kind.PARENT,
    ),
    DemoUser(
        "quality", roles.QUALITY, "Исакова", "Мээрим", "Жолдошбековна", "QA", "quality-specialist"
    ),
    DemoUser(
        "itdept",
        roles.IT_DEPARTMENT,
        "Керимбеков",
        "Тимур",
        "Русланович",
        "IT",
        "it-head",
        staff=True,
        heads="IT",
    ),
    DemoUser("auditor", roles.AUDITOR, "Орозбаева", "Айжан", "Талантовна", "AUD", "auditor"),
]


@transaction.atomic
def seed_demo() -> list[tuple[DemoUser, bool]]:
    """Create what is missing; return [(demo user, created now)]."""
    roles.sync_roles()
    departments: dict[str, Department] = {}
    for code, kind, parent, ky, ru, en in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            registration_code=code,
            defaults={
                "kind": kind,
                "parent": departments.get(parent) if parent else None,
                "name_ky": ky,
                "name_ru": ru,
                "name_en": en,
            },
        )
        departments[code] = dept
    positions: dict[str, Position] = {}
    for code, ky, ru, en, teaching in POSITIONS:
        positions[code], _ = Position.objects.get_or_create(
            code=code,
            defaults={"name_ky": ky, "name_ru": ru, "name_en": en, "is_teaching": teaching},
        )

    result = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(
                username=spec.username,
                last_name=spec.last_name,
                first_name=spec.first_name,
                patronymic=spec.patronymic,
                email=f"{spec.username}@kstu.kg",
                personal_email=f"{spec.username}.personal@example.org",
                work_phone="+996 312 545 100",
                mobile_phone="+996 700 000 000",
                department=departments.get(spec.department) if spec.department else None,
                position=positions.get(spec.position) if spec.position else None,
                kind=spec.kind,
                is_staff=spec.staff or spec.superuser,
                is_superuser=spec.superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        if spec.role:
            user.groups.add(Group.objects.get(name=spec.role))
        if spec.heads and departments[spec.heads].head_id is None:
            dept = departments[spec.heads]
            dept.head = user
            dept.save(update_fields=["head"])
        result.append((spec, created))
    return result
