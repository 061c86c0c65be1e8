"""Self-service profile changes (IS §3.6, A4): contact details yes, rights and unit no."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from accounts.models import AccessRestriction, Department, User
from accounts.services.profile import profile_update

pytestmark = pytest.mark.django_db

EDIT_URL = "/accounts/profile/edit/"
PHONE_CHARACTERS_MESSAGE = "A phone number may contain only digits, spaces and the signs + - ( )."


@pytest.fixture
def employee(make_user):
    """Нурлан, an employee of a chair, edits his own contact details."""
    return make_user(
        "nurlan", first_name="Нурлан", last_name="Осмонов", work_phone="+996 312 54 51 25"
    )


@pytest.fixture
def colleague(make_user):
    return make_user("aida", first_name="Аида")


def _form(user, **changes):
    data = {
        "last_name": user.last_name,
        "work_phone": user.work_phone,
        "mobile_phone": user.mobile_phone,
        "personal_email": user.personal_email,
        "preferred_language": user.preferred_language,
    }
    data.update(changes)
    return data


@pytest.fixture
def translated():
    """Give a message a translation for this test (the .po files are filled separately):
    proves the message is looked up in the user's language when it is shown."""
    added = []

    def _add(language, msgid, msgstr):
        catalog = trans_real.translation(language)._catalog._catalogs[0]
        added.append((catalog, msgid, catalog.get(msgid)))
        catalog[msgid] = msgstr

    yield _add
    for catalog, msgid, previous in added:
        if previous is None:
            catalog.pop(msgid, None)
        else:
            catalog[msgid] = previous


def test_profile_edit_needs_a_signed_in_user(client):
    response = client.get(EDIT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_profile_page_offers_edit_and_keeps_the_history_tab(client, employee):
    client.force_login(employee)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert EDIT_URL in html
    assert reverse("audit:object-history", args=["accounts", "user", employee.pk]) in html


def test_user_changes_own_surname_and_phones_and_history_keeps_before_and_after(client, employee):
    client.force_login(employee)
    response = client.post(
        EDIT_URL,
        _form(
            employee,
            last_name="Осмонова",
            mobile_phone="+996 (555) 12-34-56",
            personal_email="nurlan@example.kg",
        ),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    employee.refresh_from_db()
    assert employee.last_name == "Осмонова"
    assert employee.mobile_phone == "+996 (555) 12-34-56"
    latest, previous = employee.history.order_by("-history_id")[:2]
    assert previous.last_name == "Осмонов" and latest.last_name == "Осмонова"
    assert previous.mobile_phone == "" and latest.mobile_phone == "+996 (555) 12-34-56"
    assert latest.history_user_id == employee.pk
    assert latest.history_username == "nurlan"
    assert latest.ip_address == "10.1.2.3"


def test_saving_without_changes_writes_no_history_row(client, employee):
    client.force_login(employee)
    rows = employee.history.count()
    client.post(EDIT_URL, _form(employee))
    assert employee.history.count() == rows


@pytest.mark.parametrize("phone", ["12-34", "call me 555", "+996 555 123 456 789 012 345 67"])
def test_bad_phone_is_refused(client, employee, phone):
    client.force_login(employee)
    response = client.post(EDIT_URL, _form(employee, mobile_phone=phone))
    assert response.status_code == 200
    assert b"field-error" in response.content
    employee.refresh_from_db()
    assert employee.mobile_phone == ""


@pytest.mark.parametrize(
    "language, text",
    [
        ("ru", "Номер телефона может содержать только цифры, пробелы и знаки + - ( )."),
        ("ky", "Телефон номуру сандардан, боштуктардан жана + - ( ) белгилеринен гана турат."),
    ],
)
def test_bad_phone_message_is_shown_in_the_users_language(
    client, employee, translated, language, text
):
    translated(language, PHONE_CHARACTERS_MESSAGE, text)
    client.force_login(employee)
    client.cookies["kstu_language"] = language
    response = client.post(EDIT_URL, _form(employee, work_phone="tel: 54-51-25"))
    assert text in response.content.decode()


def test_department_corporate_email_and_roles_are_not_editable_here(client, employee):
    other_unit = Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky="Башка",
        name_ru="Другая",
        name_en="Other",
        registration_code="X-99",
    )
    client.force_login(employee)
    html = client.get(EDIT_URL).content.decode()
    assert 'name="department"' not in html
    assert 'name="email"' not in html
    client.post(
        EDIT_URL,
        _form(employee, department=other_unit.pk, email="boss@kstu.kg", is_staff="on", groups=[1]),
    )
    employee.refresh_from_db()
    assert employee.department is None
    assert employee.email == "nurlan@kstu.kg"
    assert not employee.is_staff
    assert not employee.groups.exists()


def test_service_refuses_fields_that_change_through_hr(employee):
    with pytest.raises(PermissionDenied):
        profile_update(actor=employee, user=employee, data={"email": "x@kstu.kg"})


def test_service_refuses_to_change_another_persons_profile(employee, colleague):
    with pytest.raises(PermissionDenied):
        profile_update(actor=colleague, user=employee, data={"last_name": "Чужой"})
    employee.refresh_from_db()
    assert employee.last_name == "Осмонов"


def test_service_validates_phones_even_without_the_form(employee):
    with pytest.raises(ValidationError) as excinfo:
        profile_update(actor=employee, user=employee, data={"work_phone": "abc"})
    assert "work_phone" in excinfo.value.message_dict


def test_changing_preferred_language_switches_the_interface_language(client, employee):
    client.force_login(employee)
    response = client.post(EDIT_URL, _form(employee, preferred_language="ru"))
    assert response.cookies["kstu_language"].value == "ru"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="ru">' in html
    assert User.objects.get(pk=employee.pk).preferred_language == "ru"


def test_profile_shows_restrictions_in_force_with_reason_and_who_set_them(
    client, employee, make_user
):
    officer = make_user("resp", first_name="Айгүл", last_name="Асанова")
    AccessRestriction.objects.create(
        user=employee,
        kind=AccessRestriction.Kind.FUNCTION,
        function="report export",
        reason="Act No. 7: mass export of personal data",
        created_by=officer,
    )
    AccessRestriction.objects.create(
        user=employee,
        kind=AccessRestriction.Kind.FUNCTION,
        function="old thing",
        reason="lifted long ago",
        created_by=officer,
        lifted_at="2024-01-01T00:00:00Z",
        lifted_by=officer,
        lift_reason="done",
    )
    client.force_login(employee)
    with translation.override("en"):
        html = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="my-restrictions"' in html
    assert "report export" in html
    assert "Act No. 7: mass export of personal data" in html
    assert "Асанова Айгүл" in html
    assert "lifted long ago" not in html


def test_profile_without_restrictions_shows_no_restriction_block(client, employee):
    client.force_login(employee)
    assert b'data-testid="my-restrictions"' not in client.get(reverse("accounts:profile")).content
