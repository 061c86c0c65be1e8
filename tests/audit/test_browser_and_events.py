"""The audit browser shows who changed what from what to what; events are logged."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import Department
from audit.models import AuthEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user("auditor1", roles=[roles.AUDITOR])


@pytest.fixture
def hr_officer(make_user):
    return make_user("hr1", roles=[roles.HR_OFFICER], is_staff=True)


def _change_department_through_admin(client, hr_officer, dept, new_name):
    client.force_login(hr_officer)
    data = {
        "kind": dept.kind,
        "name_ky": new_name,
        "name_ru": dept.name_ru,
        "name_en": dept.name_en,
        "registration_code": dept.registration_code,
        "is_active": "on",
    }
    url = reverse("admin:accounts_department_change", args=[dept.pk])
    response = client.post(url, data, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_change_shows_login_times_and_before_after_values(client, auditor, hr_officer):
    dept = Department.objects.create(
        kind="chair",
        name_ky="Эски аталыш",
        name_ru="Старое",
        name_en="Old",
        registration_code="CH-1",
    )
    _change_department_through_admin(client, hr_officer, dept, "Жаңы аталыш")

    client.force_login(auditor)
    response = client.get(reverse("audit:browser"), {"object_type": "accounts.department"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "hr1" in html  # the user's login
    assert "Эски аталыш" in html and "Жаңы аталыш" in html  # before → after
    assert "10.20.30.40" in html
    entry = response.context["entries"][0]
    assert entry.username == "hr1"
    assert entry.entered_at <= entry.changed_at
    change = next(c for c in entry.changes if c.field == "name_ky")
    assert (change.before, change.after) == ("Эски аталыш", "Жаңы аталыш")


def test_filters_by_user_action_and_object(client, auditor, hr_officer):
    dept = Department.objects.create(
        kind="chair", name_ky="А", name_ru="А", name_en="A", registration_code="CH-2"
    )
    _change_department_through_admin(client, hr_officer, dept, "Б")
    client.force_login(auditor)
    url = reverse("audit:browser")
    by_user = client.get(url, {"user": "hr1"}).context["entries"]
    assert by_user and all(e.username == "hr1" for e in by_user)
    created = client.get(url, {"action": "+", "object_type": "accounts.department"})
    assert all(e.action == "created" for e in created.context["entries"])
    one = client.get(url, {"object_type": "accounts.department", "object_id": str(dept.pk)})
    assert {e.object_id for e in one.context["entries"]} == {str(dept.pk)}
    assert len(one.context["entries"]) == 2


def test_object_id_without_type_gets_a_clear_error(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:browser"), {"object_id": "5"})
    assert response.status_code == 200
    assert response.context["form"].errors["object_type"]


def test_csv_export_has_one_line_per_changed_field(client, auditor, hr_officer):
    dept = Department.objects.create(
        kind="chair", name_ky="=SUM(A1)", name_ru="Р", name_en="E", registration_code="CH-3"
    )
    _change_department_through_admin(client, hr_officer, dept, "Жаңы")
    client.force_login(auditor)
    response = client.get(reverse("audit:export"), {"object_type": "accounts.department"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "hr1" in body and "Жаңы" in body
    assert "'=SUM(A1)" in body  # formulas neutralised


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.RECTOR])
def test_auditor_and_rector_may_browse(client, make_user, role):
    client.force_login(make_user("viewer", roles=[role]))
    assert client.get(reverse("audit:browser")).status_code == 200
    assert client.get(reverse("audit:events")).status_code == 200


@pytest.mark.parametrize("role", [roles.HR_OFFICER, roles.TEACHER, roles.STUDENT])
def test_other_roles_may_not_browse(client, make_user, role):
    client.force_login(make_user("viewer", roles=[role]))
    assert client.get(reverse("audit:browser")).status_code == 403
    assert client.get(reverse("audit:events")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("audit:browser")).status_code == 302


def test_browser_page_stays_within_query_budget(
    client, auditor, hr_officer, django_assert_max_num_queries
):
    for i in range(30):
        Department.objects.create(
            kind="chair",
            name_ky=f"К{i}",
            name_ru=f"К{i}",
            name_en=f"C{i}",
            registration_code=f"Q-{i}",
        )
    client.force_login(auditor)
    response = client.get(reverse("audit:browser"))
    types_on_page = {e.type_label for e in response.context["entries"]}
    assert "accounts.department" in types_on_page
    # Session, user and permissions, the page's keys, then three queries per history table:
    # never one per entry.
    with django_assert_max_num_queries(8 + 3 * len(types_on_page)):
        client.get(reverse("audit:browser"))


def test_logins_failures_and_logouts_are_logged(client, make_user):
    make_user("u1")
    client.post(
        reverse("login"),
        {"username": "u1", "password": "wrong"},
        HTTP_USER_AGENT="TestAgent/1.0",
        REMOTE_ADDR="192.0.2.7",
    )
    failed = AuthEvent.objects.get(action=AuthEvent.Action.LOGIN_FAILED)
    assert (failed.username, failed.ip_address, failed.user_agent) == (
        "u1",
        "192.0.2.7",
        "TestAgent/1.0",
    )
    client.post(reverse("login"), {"username": "u1", "password": "Str0ng#Pass"})
    client.post(reverse("logout"))
    actions = list(AuthEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [AuthEvent.Action.LOGIN, AuthEvent.Action.LOGOUT]


def test_role_changes_and_password_changes_are_logged(make_user):
    from django.contrib.auth.models import Group

    user = make_user("u2")
    user.groups.add(Group.objects.get(name=roles.TEACHER))
    event = AuthEvent.objects.filter(action=AuthEvent.Action.GROUP_CHANGE).latest("id")
    assert event.details == {"change": "add", "items": [roles.TEACHER]}
    assert event.target_id == str(user.pk)
    user.set_password("An0ther#Pass")
    user.save()
    assert AuthEvent.objects.filter(
        action=AuthEvent.Action.PASSWORD_CHANGE, user_id=user.pk
    ).exists()


def test_hr_opening_another_persons_card_is_logged(client, hr_officer, make_user):
    other = make_user("employee1")
    client.force_login(hr_officer)
    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 200
    event = AuthEvent.objects.get(action=AuthEvent.Action.PERSONAL_DATA_VIEW)
    assert (event.username, event.target_id) == ("hr1", str(other.pk))


def test_history_tab_of_own_account_is_visible_to_its_owner_only(client, make_user):
    owner = make_user("owner1")
    owner.mobile_phone = "+996 700 111 222"
    owner.save()
    url = reverse("audit:object-history", args=["accounts", "user", owner.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert "+996 700 111 222" in response.content.decode()
    client.force_login(make_user("stranger"))
    assert client.get(url).status_code == 403


def test_history_of_an_unknown_type_is_not_found(client, auditor):
    client.force_login(auditor)
    url = reverse("audit:object-history", args=["accounts", "nosuchmodel", 1])
    assert client.get(url).status_code == 404


def test_signing_in_adds_no_empty_change_to_the_users_history(client, make_user):
    user = make_user("u9")
    before = user.history.count()
    client.post(reverse("login"), {"username": "u9", "password": "Str0ng#Pass"})
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
