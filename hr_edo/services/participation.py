"""Joining HR EDO (EDO §1.1, §1.3; App. 2): the employee signs the application, HR registers it.

The application's wording is the regulation's (Kyrgyz, verbatim from App. 2) with Russian and
English versions; the employee chooses the language, their preferred one by default. The texts
are legal wording in a chosen language, not interface strings, so they are not in gettext.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hr_edo.models import Participation
from hr_edo.services.common import document_signed_by, rector_name

LANGUAGES = ("ky", "ru", "en")

# App. 2 of the regulation. "ky" is verbatim; "ru" and "en" are translations.
APPLICATION_TEXT = {
    "ky": {
        "addressee": "И.Раззаков ат. КМТУнун ректору",
        "employee_name": "кызматкердин аты-жөнү",
        "position": "кызмат орду",
        "department": "курамдык бөлүмдүн аталышы",
        "registration_code": "Курамдык бөлүмдүн каттоо шифри",
        "title": "АРЫЗ",
        "request": (
            "Мени КМТУнун кадрдык электрондук документ жүгүртүүгө катышкан "
            "кызматкерлеринин тизмесине кошуп коюуңузду өтүнөм."
        ),
        "consent_intro": "Мен өз макулдугумду берем:",
        "consents": [
            "КР Эмгек кодексине жана КМТУда кадрлардын электрондук документ жүгүртүүсүн жана "
            "кадрдык электрондук документтерди колдонууну уюштуруу тартибине ылайык кадрдык "
            "электрондук документ жүгүртүүсү аркылуу иш берүүчү менен өз ара аракеттенүүгө;",
            "иш берүүчүнүн корпоративдик маалыматтык системаларын пайдалануу менен "
            "кызматкерлердин электрондук документтерин иш берүүчү тарабынан түзүүгө, "
            "пайдаланууга жана сактоого;",
            "кадрдык электрондук документ жүгүртүүсү аркылуу өз ара аракеттенүүнүн алкагында "
            "менин жеке маалыматтарымды иштетүү, ошондой эле электрондук кол тамганы "
            "колдонууга макулдук берүүгө (анын ичинде жөнөкөй электрондук кол коюу, "
            "күчөтүлгөн квалифирленген жана квалифирленбеген кол коюу).",
        ],
        "acquaintance": (
            "Мен КМТУда кадрлардын электрондук документ жүгүртүүсүн уюштуруу жана кадрдык "
            "электрондук документтерди колдонуу тартиби менен тааныштым."
        ),
        "signature_line": "кызматкердин кол тамгасы, аты-жөнү, дата",
        "signed_electronically": "Жөнөкөй электрондук кол тамга менен кол коюлат",
    },
    "ru": {
        "addressee": "Ректору КГТУ им. И.Раззакова",
        "employee_name": "фамилия, имя, отчество работника",
        "position": "должность",
        "department": "наименование структурного подразделения",
        "registration_code": "Регистрационный шифр структурного подразделения",
        "title": "ЗАЯВЛЕНИЕ",
        "request": (
            "Прошу включить меня в список работников КГТУ, участвующих в кадровом "
            "электронном документообороте."
        ),
        "consent_intro": "Я даю своё согласие:",
        "consents": [
            "на взаимодействие с работодателем посредством кадрового электронного "
            "документооборота в соответствии с Трудовым кодексом КР и порядком организации "
            "кадрового электронного документооборота и использования кадровых электронных "
            "документов в КГТУ;",
            "на создание, использование и хранение работодателем электронных документов "
            "работников с использованием корпоративных информационных систем работодателя;",
            "на обработку моих персональных данных в рамках взаимодействия посредством "
            "кадрового электронного документооборота, а также на использование электронной "
            "подписи (в том числе простой электронной подписи, усиленной квалифицированной и "
            "неквалифицированной подписи).",
        ],
        "acquaintance": (
            "С порядком организации кадрового электронного документооборота и использования "
            "кадровых электронных документов в КГТУ ознакомлен(а)."
        ),
        "signature_line": "подпись работника, ФИО, дата",
        "signed_electronically": "Подписывается простой электронной подписью",
    },
    "en": {
        "addressee": "To the Rector of KSTU named after I. Razzakov",
        "employee_name": "employee's full name",
        "position": "position",
        "department": "name of the structural unit",
        "registration_code": "Registration code of the structural unit",
        "title": "APPLICATION",
        "request": (
            "I ask to be included in the list of KSTU employees taking part in the HR "
            "electronic document flow."
        ),
        "consent_intro": "I give my consent:",
        "consents": [
            "to interact with the employer through the HR electronic document flow in "
            "accordance with the Labour Code of the Kyrgyz Republic and the procedure for "
            "organising the HR electronic document flow and using HR electronic documents at "
            "KSTU;",
            "to the creation, use and storage by the employer of employees' electronic "
            "documents using the employer's corporate information systems;",
            "to the processing of my personal data within the interaction through the HR "
            "electronic document flow, and to the use of electronic signatures (including the "
            "simple electronic signature and the enhanced qualified and non-qualified "
            "signatures).",
        ],
        "acquaintance": (
            "I have read the procedure for organising the HR electronic document flow and using "
            "HR electronic documents at KSTU."
        ),
        "signature_line": "employee's signature, full name, date",
        "signed_electronically": "Signed with a simple electronic signature",
    },
}


def participation_language(user, requested: str | None = None) -> str:
    if requested in LANGUAGES:
        return requested
    preferred = getattr(user, "preferred_language", "") or "ky"
    return preferred if preferred in LANGUAGES else "ky"


def participation_context(*, employee, language: str) -> dict:
    """What the App. 2 application shows: the wording and the employee's particulars."""
    department = employee.department
    position = employee.position
    with translation.override(language):
        return {
            "text": APPLICATION_TEXT[language],
            "language": language,
            "employee": employee,
            "employee_name": employee.get_full_name(),
            "position_name": position.name if position else "",
            "department_name": department.name if department else "",
            "registration_code": (department.registration_code if department else "") or "",
            "rector_name": rector_name(),
            "today": timezone.localdate(),
        }


def participation_current(employee) -> Participation | None:
    """The employee's live (signed or registered) participation, if any."""
    return (
        Participation.objects.filter(employee=employee)
        .exclude(status=Participation.Status.WITHDRAWN)
        .select_related("application")
        .first()
    )


def participation_pdf_bytes(*, employee, language: str, verification_code: str = "") -> bytes:
    from kstu.pdf import render_pdf
    from signatures.services.documents import verification_print_context

    with translation.override(language):
        return render_pdf(
            "hr_edo/pdf/participation.html",
            {
                **participation_context(employee=employee, language=language),
                **(verification_print_context(verification_code) if verification_code else {}),
            },
        )


def participation_join(
    *, actor, language: str, method: str, secret: str, request=None
) -> Participation:
    """The employee (``actor``) creates and signs their App. 2 application.

    Renders the PDF, stores it (created by the employee, so they may sign it), signs it with
    the employee's simple signature (password or one-time code) and records a SIGNED
    participation awaiting HR's registration. Nothing is kept when the signature fails.
    """
    from signatures.services.documents import document_create, verification_code_new
    from signatures.services.simple import simple_sign

    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    if actor.kind not in ("employee", "teacher"):
        raise PermissionDenied(_("Only employees join HR EDO."))
    if participation_current(actor) is not None:
        raise ValidationError(_("You have already signed the application to join HR EDO."))
    if actor.department_id is None or actor.position_id is None:
        raise ValidationError(
            _("Your department and position are not recorded: ask HR to complete your profile.")
        )
    language = participation_language(actor, language)
    with transaction.atomic():
        code = verification_code_new()
        content = participation_pdf_bytes(employee=actor, language=language, verification_code=code)
        with translation.override(language):
            title = f"{APPLICATION_TEXT[language]['title']} — {actor.get_full_name()}"
        document = document_create(
            title=title[:255],
            content=content,
            content_type="application/pdf",
            actor=actor,
            owner_ref=f"hr_edo.participation:{actor.pk}",
            verification_code=code,
        )
        simple_sign(signer=actor, document=document, method=method, secret=secret, request=request)
        participation = Participation.objects.create(
            employee=actor,
            status=Participation.Status.SIGNED,
            application=document,
            language=language,
            signed_at=timezone.now(),
        )
    return participation


def participation_register(*, actor, participation: Participation, request=None) -> Participation:
    """HR registers a signed application: from now on the employee receives documents in EDO.

    Requires ``hr_edo.change_participation`` and the employee's simple signature on the PDF.
    """
    if not actor.has_perm("hr_edo.change_participation"):
        raise PermissionDenied
    with transaction.atomic():
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.status != Participation.Status.SIGNED:
            raise ValidationError(
                _("Only a signed application awaiting registration can be registered.")
            )
        if not document_signed_by(participation.application, participation.employee):
            raise ValidationError(
                _("The employee has not signed the application: it cannot be registered.")
            )
        participation.status = Participation.Status.REGISTERED
        participation.registered_by = actor
        participation.registered_at = timezone.now()
        # Who registered and when is on the row and in its history (``tracked``).
        participation.save(update_fields=["status", "registered_by", "registered_at"])
    return participation
