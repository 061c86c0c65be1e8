"""E-mail from services: sent only after the transaction commits, retried when SMTP fails."""

import smtplib
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from kstu.mail import send_mail_on_commit
from kstu.tasks import send_email

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(_Rollback), transaction.atomic():
            send_mail_on_commit(subject="Access granted", body="…", to=["a@kstu.kg"])
            raise _Rollback
    assert callbacks == []
    assert mailoutbox == []


def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail_on_commit(subject="Access granted", body="…", to=["a@kstu.kg"])
        assert mailoutbox == []
    assert len(mailoutbox) == 1


def test_one_message_with_subject_recipients_and_html_after_commit(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.DEFAULT_FROM_EMAIL = "KSTU IS <noreply@kstu.kg>"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail_on_commit(
            subject="Кирүү укугу берилди",
            body="Сиздин өтүнмөңүз аткарылды.",
            html_body="<p>Сиздин өтүнмөңүз аткарылды.</p>",
            to=["aigul@kstu.kg", "", "hr@kstu.kg"],
            reply_to=["it@kstu.kg"],
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Кирүү укугу берилди"
    assert message.to == ["aigul@kstu.kg", "hr@kstu.kg"]  # the blank address is dropped
    assert message.from_email == "KSTU IS <noreply@kstu.kg>"
    assert message.reply_to == ["it@kstu.kg"]
    assert message.body == "Сиздин өтүнмөңүз аткарылды."
    assert message.alternatives[0][1] == "text/html"
    assert "<p>Сиздин өтүнмөңүз аткарылды.</p>" in message.alternatives[0][0]


def test_lazy_translated_subject_keeps_the_language_active_when_it_was_queued(
    django_capture_on_commit_callbacks, mailoutbox
):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("ru"):
        expected = translation.gettext("Password reset")
    assert expected != "Password reset"  # Django's Russian catalogue has it

    # The commit (and the worker) run later, in another language.
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        with translation.override("ru"):
            send_mail_on_commit(subject=gettext_lazy("Password reset"), body="x", to=["a@kstu.kg"])
    assert mailoutbox[0].subject == expected


@pytest.mark.parametrize("to", [[], [""], ["", ""]])
def test_no_recipients_sends_nothing(to, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail_on_commit(subject="Nobody", body="…", to=to)
    assert callbacks == []
    assert mailoutbox == []


def test_smtp_failure_is_retried_and_the_message_goes_out_on_a_later_try(mailoutbox):
    real_send = LocmemBackend.send_messages
    attempts = []

    def flaky_send(backend, messages):
        attempts.append(1)
        if len(attempts) < 3:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(backend, messages)

    with mock.patch.object(LocmemBackend, "send_messages", flaky_send):
        result = send_email.apply(kwargs={"subject": "Retry me", "body": "…", "to": ["a@kstu.kg"]})

    assert result.successful()
    assert len(attempts) == 3
    assert [m.subject for m in mailoutbox] == ["Retry me"]


def test_smtp_failure_gives_up_after_a_bounded_number_of_retries(mailoutbox):
    with mock.patch.object(
        LocmemBackend, "send_messages", side_effect=smtplib.SMTPException("refused")
    ) as send:
        result = send_email.apply(kwargs={"subject": "Never", "body": "…", "to": ["a@kstu.kg"]})

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPException)
    assert send.call_count == 1 + send_email.max_retries
    assert 1 <= send_email.max_retries <= 10
    assert mailoutbox == []


def test_retries_back_off_instead_of_hammering_the_mail_server():
    countdowns = []

    def record_retry(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        raise kwargs.get("exc") or RuntimeError("retry")

    with (
        mock.patch.object(
            LocmemBackend, "send_messages", side_effect=smtplib.SMTPException("busy")
        ),
        mock.patch.object(send_email, "retry", side_effect=record_retry),
    ):
        send_email.apply(kwargs={"subject": "x", "body": "…", "to": ["a@kstu.kg"]})

    assert len(countdowns) == 1
    assert countdowns[0] is not None and countdowns[0] > 0
