"""Simple electronic signatures (C1) and the mixed signature sheet (B8): the services.

Personas: Гүлнара, an HR officer who stores documents and registers paper signatures; Айбек,
an employee who must sign (he may see the document); Нурлан, an employee of another department.
"""

import datetime as dt
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from guardian.shortcuts import assign_perm

from audit.models import AuthEvent
from signatures.models import Signature, SignatureLevel, SigningCode
from signatures.selectors import signature_sheet
from signatures.services.simple import (
    CODE_MAX_ATTEMPTS,
    CODES_PER_HOUR,
    PASSWORD_MAX_FAILURES,
    handwritten_register,
    seal_valid,
    signing_code_send,
    simple_sign,
    simple_signature_verify,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of messages."""


pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"


@pytest.fixture
def gulnara(make_user):
    from django.contrib.auth.models import Permission

    user = make_user("hr_gulnara", first_name="Гүлнара")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="signatures", codename__in=["add_document", "add_signature"]
        )
    )
    return user


@pytest.fixture
def document(make_document, gulnara):
    return make_document(title="Приказ о командировке", actor=gulnara)


@pytest.fixture
def aibek(make_user, document, accept_agreement):
    user = make_user("emp_aibek", first_name="Айбек", preferred_language="en")
    assign_perm("signatures.view_document", user, document)
    accept_agreement(user)
    return user


@pytest.fixture
def nurlan(make_user, accept_agreement):
    user = make_user("emp_nurlan", first_name="Нурлан")
    accept_agreement(user)
    return user


@pytest.fixture
def http_request():
    return RequestFactory().post("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox/128 test")


def _send_code(user, document, mailoutbox, capture):
    with capture(execute=True):
        signing_code_send(user=user, document=document)
    body = mailoutbox[-1].body
    return re.search(r"\b(\d{6})\b", body).group(1)


def _change_one_byte(document):
    path = document.file.path
    with open(path, "rb") as handle:
        content = bytearray(handle.read())
    content[-2] ^= 0x01
    with open(path, "wb") as handle:
        handle.write(bytes(content))


# --------------------------------------------------------------------------- password


def test_employee_signs_with_password_and_the_record_keeps_hash_method_address_and_seal(
    aibek, document, http_request
):
    signature = simple_sign(
        signer=aibek, document=document, method="password", secret=PASSWORD, request=http_request
    )

    signature.refresh_from_db()
    assert signature.level == SignatureLevel.SIMPLE
    assert signature.method == Signature.Method.PASSWORD
    assert signature.signer == aibek
    assert signature.document_sha256 == document.sha256
    assert signature.ip_address == "10.1.2.3"
    assert signature.user_agent == "Firefox/128 test"
    assert signature.position == 1
    assert seal_valid(signature)
    verdict = simple_signature_verify(signature)
    assert verdict["indication"] == "TOTAL-PASSED"
    assert verdict["document_unchanged"] and verdict["seal_ok"]
    assert verdict["signer"] == aibek


def test_signing_records_a_signature_audit_event_on_the_document(aibek, document, http_request):
    signature = simple_sign(
        signer=aibek, document=document, method="password", secret=PASSWORD, request=http_request
    )

    event = AuthEvent.objects.get(action=AuthEvent.Action.SIGNATURE)
    assert event.user_id == aibek.pk
    assert event.target_type == "signatures.document"
    assert event.target_id == str(document.pk)
    assert event.details["level"] == "simple"
    assert event.details["method"] == "password"
    assert event.details["signature_id"] == signature.pk
    assert event.ip_address == "10.1.2.3"


def test_wrong_password_is_refused_and_nothing_is_signed(aibek, document):
    with pytest.raises(ValidationError) as exc:
        simple_sign(signer=aibek, document=document, method="password", secret="Wrong#Guess1")

    assert "password is wrong" in " ".join(exc.value.messages)
    assert not Signature.objects.exists()
    assert not AuthEvent.objects.filter(action=AuthEvent.Action.SIGNATURE).exists()


def test_too_many_wrong_passwords_refuse_even_the_right_one_for_a_while(aibek, document):
    for _ in range(PASSWORD_MAX_FAILURES):
        with pytest.raises(ValidationError):
            simple_sign(signer=aibek, document=document, method="password", secret="Wrong#1")

    with pytest.raises(ValidationError) as exc:
        simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    assert "Too many wrong passwords" in " ".join(exc.value.messages)
    assert not Signature.objects.exists()


# --------------------------------------------------------------------------- one-time code


def test_one_time_code_is_mailed_to_the_corporate_address_in_the_signers_language_and_signs(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)

    mail = mailoutbox[0]
    assert mail.to == ["emp_aibek@kstu.kg"]
    assert code in mail.subject
    assert "Приказ о командировке" in mail.body
    assert "minutes" in mail.body  # English, the signer's language
    assert not SigningCode.objects.filter(code_hash__contains=code).exists()  # only a MAC kept

    signature = simple_sign(signer=aibek, document=document, method="otp", secret=code)
    assert signature.method == Signature.Method.ONE_TIME_CODE
    assert seal_valid(signature)
    assert SigningCode.objects.get().used_at is not None


def test_wrong_code_is_refused_and_counts_an_attempt(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(ValidationError) as exc:
        simple_sign(signer=aibek, document=document, method="otp", secret=wrong)

    assert "code is wrong" in " ".join(exc.value.messages)
    assert SigningCode.objects.get().attempts == 1
    assert not Signature.objects.exists()


def test_code_works_only_once(aibek, document, mailoutbox, django_capture_on_commit_callbacks):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)
    simple_sign(signer=aibek, document=document, method="otp", secret=code)
    # Even with the signature gone, the same code cannot sign again.
    Signature.objects.all().delete()

    with pytest.raises(ValidationError) as exc:
        simple_sign(signer=aibek, document=document, method="otp", secret=code)
    assert "no valid code" in " ".join(exc.value.messages)


def test_expired_code_is_refused(aibek, document, mailoutbox, django_capture_on_commit_callbacks):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        with pytest.raises(ValidationError) as exc:
            simple_sign(signer=aibek, document=document, method="otp", secret=code)
    assert "no valid code" in " ".join(exc.value.messages)
    assert not Signature.objects.exists()


def test_too_many_wrong_codes_invalidate_the_code(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            simple_sign(signer=aibek, document=document, method="otp", secret=wrong)
    assert SigningCode.objects.get().invalidated_at is not None

    with pytest.raises(ValidationError):
        simple_sign(signer=aibek, document=document, method="otp", secret=code)
    assert not Signature.objects.exists()


def test_a_new_code_invalidates_the_earlier_one(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    first = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)
    second = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)

    if first != second:
        with pytest.raises(ValidationError):
            simple_sign(signer=aibek, document=document, method="otp", secret=first)
    assert simple_sign(signer=aibek, document=document, method="otp", secret=second)
    assert SigningCode.objects.filter(invalidated_at__isnull=False).count() == 1


def test_no_code_is_sent_to_an_account_without_corporate_email(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    aibek.email = ""
    aibek.save()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            signing_code_send(user=aibek, document=document)
    assert mailoutbox == []
    assert not SigningCode.objects.exists()


def test_codes_are_limited_per_hour(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(CODES_PER_HOUR):
        _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError):
        signing_code_send(user=aibek, document=document)
    assert SigningCode.objects.count() == CODES_PER_HOUR

    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert signing_code_send(user=aibek, document=document)


# --------------------------------------------------------------------------- refusals


def test_signing_is_refused_without_accepting_the_agreement(make_user, document, mailoutbox):
    stranger_to_agreement = make_user("emp_bolot")
    assign_perm("signatures.view_document", stranger_to_agreement, document)

    with pytest.raises(ValidationError) as exc:
        simple_sign(
            signer=stranger_to_agreement, document=document, method="password", secret=PASSWORD
        )
    assert "agreement" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        signing_code_send(user=stranger_to_agreement, document=document)
    assert not Signature.objects.exists()
    assert not SigningCode.objects.exists()


def test_acceptance_of_an_older_agreement_version_is_not_enough(aibek, document, gulnara):
    from accounts.services.agreement import agreement_version_publish

    gulnara.is_superuser = True
    gulnara.save()
    agreement_version_publish(actor=gulnara, text_ky="v2", text_ru="v2", text_en="v2")

    with pytest.raises(ValidationError):
        simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)


def test_inactive_signer_cannot_sign(aibek, document):
    aibek.is_active = False
    aibek.save()

    with pytest.raises(PermissionDenied):
        simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)


def test_employee_who_may_not_see_the_document_cannot_sign_it(nurlan, document):
    with pytest.raises(PermissionDenied):
        simple_sign(signer=nurlan, document=document, method="password", secret=PASSWORD)
    with pytest.raises(PermissionDenied):
        signing_code_send(user=nurlan, document=document)


def test_the_same_person_signs_a_document_simply_only_once(aibek, document):
    simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)

    with pytest.raises(ValidationError) as exc:
        simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    assert "already signed" in " ".join(exc.value.messages)
    assert Signature.objects.count() == 1


def test_a_document_whose_stored_bytes_changed_cannot_be_signed(aibek, document):
    _change_one_byte(document)

    with pytest.raises(ValidationError):
        simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    assert not Signature.objects.exists()


# --------------------------------------------------------------------------- verification


def test_seal_detects_an_edited_record(aibek, document):
    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)

    Signature.objects.filter(pk=signature.pk).update(
        signed_at=signature.signed_at - timedelta(days=3)
    )
    signature.refresh_from_db()

    assert not seal_valid(signature)
    verdict = simple_signature_verify(signature)
    assert verdict["indication"] == "TOTAL-FAILED"
    assert verdict["sub_indication"] == "SIG_CRYPTO_FAILURE"
    assert not verdict["seal_ok"]


def test_seal_detects_a_record_pointed_at_another_signer(aibek, nurlan, document):
    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)

    Signature.objects.filter(pk=signature.pk).update(signer=nurlan)
    signature.refresh_from_db()

    assert simple_signature_verify(signature)["indication"] == "TOTAL-FAILED"


def test_a_record_sealed_with_another_key_fails(aibek, document, settings):
    settings.SIGNATURE_SEAL_KEY = "first-key"
    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    assert seal_valid(signature)

    settings.SIGNATURE_SEAL_KEY = "second-key"
    assert not seal_valid(signature)


def test_one_changed_byte_in_the_stored_file_fails_with_hash_failure(aibek, document):
    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)

    _change_one_byte(document)

    verdict = simple_signature_verify(signature)
    assert verdict["seal_ok"]
    assert not verdict["document_unchanged"]
    assert verdict["indication"] == "TOTAL-FAILED"
    assert verdict["sub_indication"] == "HASH_FAILURE"


def test_a_document_hash_rewritten_in_the_database_fails_with_hash_failure(aibek, document):
    from signatures.models import Document

    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    signature = Signature.objects.select_related("document").get(pk=signature.pk)

    verdict = simple_signature_verify(signature)
    assert verdict["indication"] == "TOTAL-FAILED"
    assert verdict["sub_indication"] == "HASH_FAILURE"


def test_signature_made_before_the_signers_codes_were_invalidated_stays_valid(
    aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    code = _send_code(aibek, document, mailoutbox, django_capture_on_commit_callbacks)
    signature = simple_sign(signer=aibek, document=document, method="otp", secret=code)

    # Key compromise reported (the CA module does this): every code of the user is invalidated.
    SigningCode.objects.filter(user=aibek).update(invalidated_at=timezone.now())

    assert simple_signature_verify(signature)["indication"] == "TOTAL-PASSED"


# --------------------------------------------------------------------------- handwritten (B8)


def test_mixed_sheet_lists_handwritten_and_simple_signatures_in_order(
    gulnara, aibek, document, make_document
):
    scan = make_document(
        title="Скан подписи", content=b"\x89PNG\r\n\x1a\nscan", content_type="image/png"
    )
    handwritten = handwritten_register(
        actor=gulnara,
        document=document,
        signer_name="Асанов Марат Бекович",
        signed_on=dt.date(2025, 3, 14),
        scan=scan,
    )
    simple = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)

    sheet = signature_sheet(document)
    assert [s.pk for s in sheet] == [handwritten.pk, simple.pk]
    assert [s.position for s in sheet] == [1, 2]
    assert sheet[0].level == SignatureLevel.HANDWRITTEN
    assert sheet[0].method == Signature.Method.SCAN
    assert sheet[0].registered_by == gulnara
    assert sheet[0].scan == scan
    assert timezone.localtime(sheet[0].signed_at).date() == dt.date(2025, 3, 14)
    assert seal_valid(sheet[0])
    assert simple_signature_verify(sheet[0])["indication"] == "INDETERMINATE"
    assert simple_signature_verify(sheet[1])["indication"] == "TOTAL-PASSED"
    assert sheet[1].level == SignatureLevel.SIMPLE
    assert AuthEvent.objects.filter(
        action=AuthEvent.Action.SIGNATURE, details__level="handwritten"
    ).exists()


def test_handwritten_signature_of_an_account_holder_takes_their_name(
    gulnara, aibek, document, make_document
):
    scan = make_document(title="scan", content=b"%PDF-1.4 scan")

    signature = handwritten_register(
        actor=gulnara, document=document, signer=aibek, signed_on=dt.date(2025, 1, 10), scan=scan
    )
    assert signature.signer == aibek
    assert signature.signer_name == aibek.get_full_name()


def test_only_a_holder_of_add_signature_registers_handwritten_signatures(
    aibek, document, make_document
):
    scan = make_document(title="scan", content=b"%PDF-1.4 scan")

    with pytest.raises(PermissionDenied):
        handwritten_register(
            actor=aibek,
            document=document,
            signer_name="X",
            signed_on=dt.date(2025, 1, 10),
            scan=scan,
        )
    assert not Signature.objects.exists()


def test_handwritten_signature_needs_a_name_and_a_past_date(gulnara, document, make_document):
    scan = make_document(title="scan", content=b"%PDF-1.4 scan")

    with pytest.raises(ValidationError):
        handwritten_register(
            actor=gulnara, document=document, signed_on=dt.date(2025, 1, 10), scan=scan
        )
    with pytest.raises(ValidationError):
        handwritten_register(
            actor=gulnara,
            document=document,
            signer_name="X",
            signed_on=timezone.localdate() + timedelta(days=2),
            scan=scan,
        )
    assert not Signature.objects.exists()
