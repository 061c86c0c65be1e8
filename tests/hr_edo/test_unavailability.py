"""Issue 8 item 4 (EDO 4.5): an employee reports they cannot use EDO; HR records such reports."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_employee_reports_through_the_site_prefilled_from_their_record(english_ui, employee):
    from hr_edo.models import UnavailabilityReport

    client = english_ui
    client.force_login(employee)
    url = reverse("hr_edo:unavailability_new")
    assert url == "/hr/edo/unavailable/new/"
    page = client.get(url).content.decode()
    assert 'value="Chair of Information Technology"' in page
    assert 'value="Senior lecturer"' in page
    assert 'value="Асанов Айбек Өмүрбекович"' in page

    today = timezone.localdate()
    response = client.post(
        url,
        {
            "department_name": "Chair of IT",
            "position_name": "Senior lecturer",
            "full_name": "Асанов Айбек",
            "reasons": "No internet at home during repairs",
            "period_start": today.isoformat(),
            "period_end": (today + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    report = UnavailabilityReport.objects.get()
    assert report.channel == UnavailabilityReport.Channel.SITE
    assert report.employee == employee and report.recorded_by == employee
    assert report.department_name == "Chair of IT"  # edited value kept
    assert report.full_name == "Асанов Айбек"


def test_period_ending_before_it_starts_is_refused(english_ui, employee):
    from hr_edo.models import UnavailabilityReport

    english_ui.force_login(employee)
    response = english_ui.post(
        reverse("hr_edo:unavailability_new"),
        {
            "department_name": "Chair",
            "position_name": "Lecturer",
            "full_name": "Асанов Айбек",
            "reasons": "No access",
            "period_start": "2025-05-10",
            "period_end": "2025-05-01",
        },
    )
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    assert not UnavailabilityReport.objects.exists()


def test_service_refuses_the_wrong_period_and_someone_elses_site_report(employee, hr_officer):
    from django.core.exceptions import PermissionDenied, ValidationError

    from hr_edo.services.unavailability import report_create

    common = {"department_name": "D", "position_name": "P", "full_name": "F", "reasons": "R"}
    with pytest.raises(ValidationError):
        report_create(
            actor=employee,
            employee=employee,
            period_start=dt.date(2025, 5, 2),
            period_end=dt.date(2025, 5, 1),
            **common,
        )
    with pytest.raises(PermissionDenied):
        report_create(
            actor=hr_officer,
            employee=employee,
            period_start=dt.date(2025, 5, 1),
            period_end=dt.date(2025, 5, 2),
            **common,
        )
    with pytest.raises(PermissionDenied):  # an employee cannot "record" a paper report
        report_create(
            actor=employee,
            employee=employee,
            channel="post",
            period_start=dt.date(2025, 5, 1),
            period_end=dt.date(2025, 5, 2),
            **common,
        )


def test_hr_records_a_report_received_by_email_and_sees_the_list(english_ui, employee, hr_officer):
    from hr_edo.models import UnavailabilityReport

    client = english_ui
    client.force_login(hr_officer)
    assert client.get(reverse("hr_edo:unavailability_record")).status_code == 200
    response = client.post(
        reverse("hr_edo:unavailability_record"),
        {
            "employee": employee.pk,
            "channel": "email",
            "department_name": "",
            "position_name": "",
            "full_name": "",
            "reasons": "Sent by e-mail: laptop broken",
            "period_start": "2025-05-01",
            "period_end": "2025-05-20",
        },
    )
    assert response.status_code == 302
    report = UnavailabilityReport.objects.get()
    assert report.channel == UnavailabilityReport.Channel.EMAIL
    assert report.recorded_by == hr_officer and report.employee == employee
    assert report.full_name == "Асанов Айбек Өмүрбекович"  # taken from the record
    assert report.position_name == "Senior lecturer"

    page = client.get(reverse("hr_edo:unavailability_list")).content.decode()
    assert "Асанов Айбек Өмүрбекович" in page
    assert "laptop broken" in page
    assert "By e-mail" in page


def test_list_and_record_are_forbidden_for_employees(client, employee):
    client.force_login(employee)
    assert client.get(reverse("hr_edo:unavailability_list")).status_code == 403
    assert client.get(reverse("hr_edo:unavailability_record")).status_code == 403


def test_employee_is_paper_while_a_report_covers_today(registered_employee, make_user):
    from hr_edo.services.unavailability import is_paper_today, report_create

    today = timezone.localdate()
    assert is_paper_today(registered_employee) is False
    assert is_paper_today(make_user("outsider")) is True  # not a participant
    report_create(
        actor=registered_employee,
        employee=registered_employee,
        department_name="D",
        position_name="P",
        full_name="F",
        reasons="R",
        period_start=today - dt.timedelta(days=1),
        period_end=today + dt.timedelta(days=1),
    )
    assert is_paper_today(registered_employee) is True
    assert is_paper_today(registered_employee, today + dt.timedelta(days=2)) is False
    assert is_paper_today(registered_employee, today - dt.timedelta(days=2)) is False
