"""Seed the register with the ten systems of the regulation's appendix (App. IS).

The Kyrgyz texts are the appendix's own wording ("КМТУга киргизилген маалымат системаларын
тизмеси"); Russian and English are translations. Addresses are filled only where the appendix
names them or the address is the university's or vendor's well-known one; the IT department
completes the rest in the admin site.

Zoom and Canva are "renewed every year" (note column); their ``renewal_date`` is left empty on
purpose: the real subscription dates are in the contracts, and a guessed date would send real
reminder mails at the wrong time. The IT department enters the date in the admin site and the
30/7-day reminders start from then.
"""

from django.db import migrations
from django.utils import timezone

ALL_USERS = (
    "Бардык кызматкерлер жана студенттер",
    "Все сотрудники и студенты",
    "All staff and students",
)
IT_DEPARTMENT = ("IT-департамент", "IT-департамент", "IT department")
ALL_ACTIVITY = (
    "КМТУнун бардык ишмердүүлүгү",
    "Вся деятельность КГТУ",
    "All activities of KSTU",
)
E_SIGNATURE_NOTE = (
    "Электрондук кол тамга колдонулат",
    "Используется электронная подпись",
    "Electronic signature is used",
)
RENEWED_YEARLY = ("Жыл сайын узартылат", "Продлевается ежегодно", "Renewed every year")
NO_NOTE = ("", "", "")

# How to ask for access (IS §3.2–3.3): an application to the rector, the HR head's visa, then
# the system's responsible person. The IT department may refine it per system in the admin.
ACCESS = (
    "Кирүү укугун алуу үчүн КМТУнун ректорунун атына электрондук арыз жазыңыз: арызда ушул "
    "системаны жана керектүү отчеттордун тематикалык бөлүмдөрүн көрсөтүңүз. Арыз Адам "
    "ресурстарын башкармалыгынын (АРБ) жетекчисинин визасы менен ушул МС боюнча жооптуу "
    "адамга жөнөтүлөт.",
    "Чтобы получить доступ, подайте электронное заявление на имя ректора КГТУ и укажите в нём "
    "эту систему и нужные тематические разделы отчётов. После визы руководителя Управления "
    "человеческих ресурсов заявление направляется ответственному за эту систему.",
    "To get access, file an electronic application addressed to the Rector of KSTU naming this "
    "system and the thematic report sections you need. Once the head of Human Resources has "
    "endorsed it, the application goes to the person responsible for this system.",
)

# (code, address, signature use, name, content, users, responsible units, note) — each text a
# (ky, ru, en) triple, in the appendix's order.
SYSTEMS = [
    (
        "avn",
        "",
        "e_signature",
        ("AVN маалыматтык системасы", "Информационная система AVN", "AVN information system"),
        ALL_ACTIVITY,
        ALL_USERS,
        (
            "Окуу башкармалыгы, Студенттерди тейлөө борбору",
            "Учебное управление, Центр обслуживания студентов",
            "Academic Affairs Office, Student Service Centre",
        ),
        E_SIGNATURE_NOTE,
    ),
    (
        "online",
        "online.kstu.kg",
        "none",
        ("online.kstu.kg", "online.kstu.kg", "online.kstu.kg"),
        ("Билим берүү процесси", "Образовательный процесс", "Educational process"),
        ALL_USERS,
        IT_DEPARTMENT,
        NO_NOTE,
    ),
    (
        # The appendix prints "IC": the 1C:Enterprise accounting and HR software.
        "1c",
        "",
        "electronic_confirmation",
        ("1C", "1С", "1C"),
        (
            "Каржылык жана кадр суроолору",
            "Финансовые и кадровые вопросы",
            "Finance and HR matters",
        ),
        (
            "Бухгалтерия, бардык бөлүмдөрдүн табель түзүүчүлөрү",
            "Бухгалтерия, табельщики всех подразделений",
            "Accounting office, timekeepers of all units",
        ),
        (
            "Бухгалтерия, Адамдык ресурстар башкармалыгы, Пландоо-каржылык башкармалыгы",
            "Бухгалтерия, Управление человеческих ресурсов, Планово-финансовое управление",
            "Accounting office, Human Resources Office, Planning and Finance Office",
        ),
        (
            "Электрондук тастыктоо колдонулат",
            "Используется электронное подтверждение",
            "Electronic confirmation is used",
        ),
    ),
    (
        "unet",
        "unet.kstu.kg",
        "e_signature",
        ("unet.kstu.kg", "unet.kstu.kg", "unet.kstu.kg"),
        ALL_ACTIVITY,
        ALL_USERS,
        (
            "Программалык жабдылыштарды иштеп чыгуу бөлүмү",
            "Отдел разработки программного обеспечения",
            "Software Development Department",
        ),
        E_SIGNATURE_NOTE,
    ),
    (
        "library",
        "",
        "none",
        (
            "Китепкана маалыматтык системалары",
            "Библиотечные информационные системы",
            "Library information systems",
        ),
        (
            "Билим берүү жана илим ишмердүүлүгү",
            "Образовательная и научная деятельность",
            "Education and research",
        ),
        ALL_USERS,
        ("Китепкана", "Библиотека", "Library"),
        NO_NOTE,
    ),
    (
        "antiplagiarism",
        "",
        "none",
        (
            "Антиплагиат боюнча автоматташтырылган маалыматтык системасы",
            "Автоматизированная информационная система «Антиплагиат»",
            "Automated anti-plagiarism information system",
        ),
        (
            "Жазуу иштерин көчүрүп алуулардан текшерүү",
            "Проверка письменных работ на заимствования",
            "Checking written works for copied text",
        ),
        ALL_USERS,
        IT_DEPARTMENT,
        NO_NOTE,
    ),
    (
        "website",
        "kstu.kg",
        "none",
        ("КМТУнун расмий сайты", "Официальный сайт КГТУ", "Official website of KSTU"),
        ("Маалыматтарды жайгаштыруу", "Размещение информации", "Publishing information"),
        ALL_USERS,
        IT_DEPARTMENT,
        NO_NOTE,
    ),
    (
        # The appendix leaves the content of the corporate mail empty.
        "mail",
        "",
        "none",
        ("Корпоративдик почта", "Корпоративная электронная почта", "Corporate e-mail"),
        ("", "", ""),
        ALL_USERS,
        IT_DEPARTMENT,
        NO_NOTE,
    ),
    (
        "zoom",
        "zoom.us",
        "none",
        (
            "Видео конференц байланыш үчүн Zoom платформасы",
            "Платформа Zoom для видеоконференцсвязи",
            "Zoom video-conferencing platform",
        ),
        (
            "Виртуалдык жолугушууларды уюштуруу",
            "Организация виртуальных встреч",
            "Organising virtual meetings",
        ),
        ALL_USERS,
        IT_DEPARTMENT,
        RENEWED_YEARLY,
    ),
    (
        "canva",
        "canva.com",
        "none",
        ("Canva", "Canva", "Canva"),
        (
            "Жогорку сапаттагы контентти, маалыматтык презентацияларды, сүрөт видеолорун, "
            "анимацияларды ж.б. түзүү",
            "Создание высококачественного контента, информационных презентаций, изображений, "
            "видео, анимации и т. п.",
            "Creating high-quality content, information presentations, images, videos, "
            "animations, etc.",
        ),
        ALL_USERS,
        IT_DEPARTMENT,
        RENEWED_YEARLY,
    ),
]

# Example report sections (A1 item 7: "thematic sections of reports"). The appendix does not
# list them: these are a starting point that HR and the IT department maintain in the admin.
REPORT_SECTIONS = {
    "avn": [
        ("student-contingent", ("Студенттердин контингенти", "Контингент студентов", "Student contingent")),
        ("academic-performance", ("Студенттердин үлгерүмү", "Успеваемость студентов", "Academic performance")),
        ("exam-sessions", ("Сынак сессиялары", "Экзаменационные сессии", "Exam sessions")),
        ("curricula", ("Окуу пландары", "Учебные планы", "Curricula")),
    ],
    "1c": [
        ("payroll", ("Эмгек акы", "Заработная плата", "Payroll")),
        ("staff-list", ("Штаттык жадыбал", "Штатное расписание", "Staff list")),
        ("timesheets", ("Иш убактысын эсепке алуу табели", "Табель учёта рабочего времени", "Timesheets")),
        ("contract-payments", ("Контракт боюнча төлөмдөр", "Оплата по контрактам", "Contract payments")),
    ],
}

SEED_REASON = "Seeded from the regulation's appendix (App. IS)"


def _triple(prefix, values):
    return {f"{prefix}_{lang}": value for lang, value in zip(("ky", "ru", "en"), values, strict=True)}


def _record_creation(apps, model_name, obj, now):
    """Write the "created" history row the live model would have written (audit trail)."""
    historical = apps.get_model("registry", f"Historical{model_name}")
    own = {field.attname for field in obj._meta.concrete_fields}
    values = {
        field.attname: getattr(obj, field.attname)
        for field in historical._meta.concrete_fields
        if field.attname in own
    }
    historical.objects.create(
        **values,
        history_date=now,
        history_type="+",
        history_change_reason=SEED_REASON,
    )


def seed(apps, schema_editor):
    InformationSystem = apps.get_model("registry", "InformationSystem")
    ReportSection = apps.get_model("registry", "ReportSection")
    now = timezone.now()
    for order, (code, address, signature, name, content, users, units, note) in enumerate(
        SYSTEMS, start=1
    ):
        if InformationSystem.objects.filter(code=code).exists():
            continue
        system = InformationSystem.objects.create(
            code=code,
            sort_order=order,
            address=address,
            signature_use=signature,
            is_active=True,
            **_triple("name", name),
            **_triple("content", content),
            **_triple("user_groups", users),
            **_triple("responsible_units", units),
            **_triple("notes", note),
            **_triple("access_instructions", ACCESS),
        )
        _record_creation(apps, "InformationSystem", system, now)
        for section_order, (section_code, names) in enumerate(
            REPORT_SECTIONS.get(code, []), start=1
        ):
            section = ReportSection.objects.create(
                system=system,
                code=section_code,
                sort_order=section_order,
                is_active=True,
                **_triple("name", names),
            )
            _record_creation(apps, "ReportSection", section, now)


def unseed(apps, schema_editor):
    InformationSystem = apps.get_model("registry", "InformationSystem")
    InformationSystem.objects.filter(code__in=[row[0] for row in SYSTEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
