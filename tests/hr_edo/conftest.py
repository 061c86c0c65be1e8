"""Fixtures of the HR EDO tests (shared: add, don't rename)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

BISHKEK = ZoneInfo("Asia/Bishkek")


def bishkek(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BISHKEK)


def minimal_pdf(label: str) -> bytes:
    """A tiny valid-looking PDF with unique bytes (no rendering needed)."""
    body = f"%PDF-1.4\n% {label}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    body += "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return body.encode()


@pytest.fixture
def copy_hr(make_user):
    from accounts import roles

    return make_user(
        "hr_aizada",
        roles=[roles.HR_OFFICER],
        is_staff=True,
        first_name="Айзада",
        last_name="Бекова",
    )


@pytest.fixture
def copy_employee(make_user):
    return make_user("emp_bakyt", first_name="Бакыт", last_name="Асанов")


@pytest.fixture
def make_edo_document(db):
    """make_edo_document(employee, *, code="annual_leave_order"|None, status=..., date=...,
    actor=None) -> HrDocument with a stored PDF."""
    from hr_edo.models import DocumentType, HrDocument
    from signatures.services.documents import document_create

    counter = {"n": 0}

    def _make(
        employee,
        *,
        type_number=None,
        status=HrDocument.Status.ACQUAINTED,
        date=None,
        actor=None,
        with_pdf=True,
    ):
        counter["n"] += 1
        doc_type = (
            DocumentType.objects.get(number=type_number)
            if type_number
            else DocumentType.objects.order_by("number").first()
        )
        pdf = None
        if with_pdf:
            pdf = document_create(
                title=f"{doc_type.code}-{counter['n']}",
                content=minimal_pdf(f"{employee.username}-{counter['n']}"),
                content_type="application/pdf",
                actor=actor or employee,
            )
        return HrDocument.objects.create(
            type=doc_type,
            employee=employee,
            status=status,
            number=str(counter["n"]),
            document_date=date or dt.date(2025, 3, 3),
            pdf=pdf,
            created_by=actor or employee,
        )

    return _make


# --------------------------------------------------------------------------- participation /
# applications (employee with department + position, HR officer, agreement accepted)


@pytest.fixture
def accept_agreement(db):
    """``accept_agreement(user)``: the user accepts the agreement on electronic interaction in
    force (needed by ``simple_sign``)."""
    from accounts.models import AgreementVersion
    from accounts.services.agreement import agreement_accept, agreement_cache_clear

    def _accept(user):
        version = AgreementVersion.objects.order_by("-version").first()
        if version is None:
            version = AgreementVersion.objects.create(
                version=1, text_ky="Макулдашуу", text_ru="Соглашение", text_en="Agreement"
            )
            agreement_cache_clear()
        return agreement_accept(user=user, version=version)

    return _accept


@pytest.fixture
def edo_department(db):
    from accounts.models import Department

    return Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky="Маалыматтык технологиялар кафедрасы",
        name_ru="Кафедра информационных технологий",
        name_en="Chair of Information Technology",
        registration_code="КТ-ҮӨҢ-07",
    )


@pytest.fixture
def edo_position(db):
    from accounts.models import Position

    return Position.objects.create(
        code="edo-senior-lecturer",
        name_ky="Улук окутуучу",
        name_ru="Старший преподаватель",
        name_en="Senior lecturer",
        is_teaching=True,
    )


@pytest.fixture
def employee(make_user, edo_department, edo_position, accept_agreement):
    """An employee with a department and position who accepted the agreement."""
    user = make_user(
        "aibek",
        last_name="Асанов",
        first_name="Айбек",
        patronymic="Өмүрбекович",
        department=edo_department,
        position=edo_position,
    )
    accept_agreement(user)
    return user


@pytest.fixture
def hr_officer(make_user):
    from accounts import roles

    return make_user("hr_officer1", roles=[roles.HR_OFFICER], last_name="Кадрова")


@pytest.fixture
def registered_employee(employee, hr_officer):
    """``employee`` with a signed and registered EDO participation."""
    from hr_edo.services.participation import participation_join, participation_register

    participation = participation_join(
        actor=employee, language="ky", method="password", secret="Str0ng#Pass"
    )
    participation_register(actor=hr_officer, participation=participation)
    return employee


# Personas of the order flow (App. 1 #8–13), shared by the order tests: Айда, an HR officer;
# Бакыт, the rector; Нурлан, an employee who joined EDO and reads Russian.


@pytest.fixture
def hr(make_user):
    from tests.hr_edo.test_orders_support import make_hr_officer

    return make_hr_officer(make_user)


@pytest.fixture
def rector(make_user):
    from tests.hr_edo.test_orders_support import make_rector

    return make_rector(make_user)


@pytest.fixture
def nurlan(make_user):
    from tests.hr_edo.test_orders_support import make_participant

    user = make_user(
        "emp_nurlan", first_name="Нурлан", last_name="Үсөнбаев", preferred_language="ru"
    )
    make_participant(user)
    return user


@pytest.fixture
def org_key(settings, tmp_path):
    """The university's signing PKCS#12 under a qualified test root, configured in settings."""
    from tests.hr_edo.test_orders_support import install_org_key

    return install_org_key(settings, tmp_path)
