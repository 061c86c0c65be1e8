"""Helpers of the order tests (no tests here): personas, a registered EDO participant, the
university's qualified signing key under a test accredited root, orders in a given state."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from hr_edo.models import DocumentType, HrDocument, Participation

BISHKEK = ZoneInfo("Asia/Bishkek")
PASSWORD = "Str0ng#Pass"
ORG_PASSPHRASE = "s3cret"


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def bishkek(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BISHKEK)


def order_type(number: int = 8) -> DocumentType:
    """The App. 1 type (seeded by the migration; recreated when a transactional test emptied
    the table)."""
    names = {8: "annual_leave_order", 12: "childcare_leave_order", 13: "childcare_leave_end_order"}
    found, _created = DocumentType.objects.get_or_create(
        number=number,
        defaults={
            "code": names.get(number, f"order_{number}"),
            "kind": DocumentType.Kind.ORDER,
            "university_signature": DocumentType.UniversitySignature.ENHANCED_QUALIFIED,
            "name_ky": f"Буйрук {number}",
            "name_ru": f"Приказ {number}",
            "name_en": f"Order {number}",
        },
    )
    return found


def group(name: str):
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=name)[0]


def accept_agreement(user) -> None:
    from accounts.models import AgreementVersion
    from accounts.services.agreement import agreement_accept, agreement_cache_clear

    version = AgreementVersion.objects.order_by("-version").first()
    if version is None:
        version = AgreementVersion.objects.create(
            version=1, text_ky="Макулдашуу", text_ru="Соглашение", text_en="Agreement"
        )
    agreement_cache_clear()
    agreement_accept(user=user, version=version)


def make_participant(user) -> Participation:
    """``user`` joined EDO: the App. 2 application is signed and registered by HR."""
    from signatures.services.documents import document_create

    application = document_create(
        title="Арыз", content=b"%PDF-1.4 app 2\n", content_type="application/pdf"
    )
    accept_agreement(user)
    return Participation.objects.create(
        employee=user, application=application, status=Participation.Status.REGISTERED
    )


def make_hr_officer(make_user, username="hr_aida", **fields):
    user = make_user(username, **fields)
    user.groups.add(group("hr_officer"))
    return user


def make_rector(make_user, username="rector_bakyt"):
    """The rector, who signs orders for the university (role + signatures.add_signature)."""
    from django.contrib.auth.models import Permission

    rector = make_user(username, first_name="Бакыт")
    rector.groups.add(group("rector"))
    rector.user_permissions.add(
        Permission.objects.get(content_type__app_label="signatures", codename="add_signature")
    )
    return rector


def install_org_key(settings, directory, *, qualified=True):
    """A PKCS#12 of the university under a test accredited root in the trust list, configured
    in settings as in production. Call it under the clock the test signs at."""
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from signatures.models import TrustAnchor
    from tests.signatures.pki import cert_pem, make_leaf, make_root

    root_key, root = make_root("Accredited Centre KG", qualified=qualified, key_type="rsa")
    TrustAnchor.objects.create(
        name="Accredited Centre KG",
        kind=TrustAnchor.Kind.ACCREDITED if qualified else TrustAnchor.Kind.UNIVERSITY,
        certificate_pem=cert_pem(root),
        fingerprint_sha256=hashlib.sha256(
            root.public_bytes(serialization.Encoding.DER)
        ).hexdigest(),
        subject=root.subject.rfc4514_string()[:500],
        not_after=root.not_valid_after_utc,
        is_qualified=qualified,
        is_active=True,
    )
    key, cert = make_leaf(root_key, root, "KSTU", key_type="rsa", extra_name=[])
    path = directory / "org.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"kstu", key, cert, [root], BestAvailableEncryption(ORG_PASSPHRASE.encode())
        )
    )
    settings.KSTU_ORG_SIGNING_P12_PATH = str(path)
    settings.KSTU_ORG_SIGNING_P12_PASSPHRASE = ORG_PASSPHRASE
    return cert


def draft_order(hr, employee, *, number="17-к", type_number=8, data=None) -> HrDocument:
    from hr_edo.services.orders import order_draft

    return order_draft(
        actor=hr,
        type=order_type(type_number),
        employee=employee,
        number=number,
        document_date=dt.date(2025, 4, 30),
        data=data or {"start_date": "2025-06-02", "end_date": "2025-06-29", "days": 28},
    )


def sent_row(employee, hr, *, sent_at: dt.datetime, due_at: dt.datetime, **fields) -> HrDocument:
    """A SENT order as a plain row (the sweep and inbox tests need no PDF)."""
    return HrDocument.objects.create(
        type=order_type(8),
        employee=employee,
        created_by=hr,
        status=HrDocument.Status.SENT,
        number=fields.pop("number", "1-к"),
        sent_at=sent_at,
        due_at=due_at,
        **fields,
    )
