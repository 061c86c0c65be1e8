"""Issue 8 item 3: deadlines extended by the working days of an EDO outage."""

import datetime as dt

import pytest

from tests.hr_edo.conftest import bishkek

pytestmark = pytest.mark.django_db

# 2025, Kyrgyzstan: 1–9 May are holidays or bridge days (1 May Labour Day, 5 May Constitution
# Day, 9 May Victory Day), 10–11 May a weekend. An outage from Tue 29 April to Tue 13 May
# spans 15 calendar days but only 4 working days: 29, 30 April and 12, 13 May.
SENT = bishkek(2025, 4, 28, 10, 0)


def _outage(user, start, end, *, ended=None):
    from hr_edo.models import Outage

    return Outage.objects.create(
        reason=Outage.Reason.FAILURE,
        started_at=start,
        expected_end_at=end,
        ended_at=ended,
        declared_by=user,
    )


def _day(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_no_outage_leaves_the_deadline_unchanged():
    from hr_edo.services.deadlines import edo_deadline
    from kstu.workdays import working_deadline

    assert edo_deadline(SENT, 3) == working_deadline(SENT, 3)
    assert _day(edo_deadline(SENT, 3)) == dt.date(2025, 5, 12)


def test_outage_across_the_may_holidays_extends_by_its_working_days_only(copy_hr):
    from hr_edo.services.deadlines import deadline_with_extensions, edo_deadline

    _outage(copy_hr, bishkek(2025, 4, 29, 9), bishkek(2025, 5, 13, 18))
    deadline, extensions = deadline_with_extensions(SENT, 3)
    assert [e.working_days for e in extensions] == [4]
    # 3 + 4 working days after Mon 28 April: 29, 30 April, 12, 13, 14, 15, 16 May.
    assert _day(deadline) == dt.date(2025, 5, 16)
    assert deadline == edo_deadline(SENT, 3)
    assert (deadline.hour, deadline.minute) == (23, 59)


def test_an_outage_ending_before_the_start_or_starting_after_the_deadline_counts_not(copy_hr):
    from hr_edo.services.deadlines import edo_deadline

    _outage(copy_hr, bishkek(2025, 4, 21, 9), bishkek(2025, 4, 25, 18))
    _outage(copy_hr, bishkek(2025, 5, 20, 9), bishkek(2025, 5, 22, 18))
    assert _day(edo_deadline(SENT, 3)) == dt.date(2025, 5, 12)


def test_extension_reaching_a_later_outage_is_extended_again(copy_hr):
    from hr_edo.services.deadlines import deadline_with_extensions

    _outage(copy_hr, bishkek(2025, 4, 29, 9), bishkek(2025, 5, 13, 18))
    # Only reached once the first extension moved the deadline to 16 May.
    _outage(copy_hr, bishkek(2025, 5, 15, 8), bishkek(2025, 5, 16, 12))
    deadline, extensions = deadline_with_extensions(SENT, 3)
    assert [e.working_days for e in extensions] == [4, 2]
    assert _day(deadline) == dt.date(2025, 5, 20)


def test_copy_request_due_date_is_extended(copy_hr, copy_employee):
    from hr_edo.services.copies import copy_request_create

    _outage(copy_hr, bishkek(2025, 4, 29, 9), bishkek(2025, 5, 13, 18))
    request = copy_request_create(
        employee=copy_employee, form="paper", description="Приказ о приёме", now=SENT
    )
    assert _day(request.due_at) == dt.date(2025, 5, 16)


def test_rule_text_explains_the_extension(copy_hr, copy_employee, make_edo_document):
    from django.utils import translation

    from hr_edo.models import HrDocument
    from hr_edo.services.deadlines import deadline_rule_text, edo_deadline

    doc = make_edo_document(copy_employee, type_number=8, status=HrDocument.Status.SENT)
    doc.sent_at = SENT
    doc.due_at = edo_deadline(SENT, doc.type.acquaintance_working_days)
    doc.save()
    with translation.override("en"):
        assert deadline_rule_text(doc) == ""
        _outage(copy_hr, bishkek(2025, 4, 29, 9), bishkek(2025, 5, 13, 18))
        text = deadline_rule_text(doc)
    assert (
        "extended by 4 working days because EDO was suspended from 29.04.2025 to 13.05.2025" in text
    )


def test_outage_ended_later_re_extends_sent_orders_and_pending_copies(
    copy_hr, copy_employee, make_edo_document
):
    from hr_edo.models import CopyRequest, HrDocument
    from hr_edo.services.copies import copy_request_create
    from hr_edo.services.deadlines import deadlines_extend_for_outage, edo_deadline

    outage = _outage(copy_hr, bishkek(2025, 4, 29, 9), bishkek(2025, 4, 30, 18))
    order = make_edo_document(copy_employee, type_number=8, status=HrDocument.Status.SENT)
    order.sent_at = SENT
    order.due_at = edo_deadline(SENT, order.type.acquaintance_working_days)
    order.save()
    done = make_edo_document(copy_employee, type_number=8, status=HrDocument.Status.ACQUAINTED)
    done.sent_at, done.due_at = SENT, order.due_at
    done.save()
    request = copy_request_create(employee=copy_employee, form="paper", description="x", now=SENT)
    # 3 + 2 (29, 30 April) working days → 14 May.
    assert _day(order.due_at) == _day(request.due_at) == dt.date(2025, 5, 14)

    outage.ended_at = bishkek(2025, 5, 13, 18)
    outage.save()
    assert deadlines_extend_for_outage(outage) == 2
    order.refresh_from_db()
    done.refresh_from_db()
    request = CopyRequest.objects.get(pk=request.pk)
    assert _day(order.due_at) == _day(request.due_at) == dt.date(2025, 5, 16)
    assert _day(done.due_at) == dt.date(2025, 5, 14)  # already acquainted: untouched
    assert deadlines_extend_for_outage(outage) == 0
