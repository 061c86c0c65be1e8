"""The university's roles (IS §4, REQUIREMENTS A7) as groups with their model permissions.

A role is a ``django.contrib.auth`` group whose name is the stable code below; labels are
translated in the UI. ``ROLE_PERMISSIONS`` is the single source of which model permissions a
role holds. The data migration creates the groups; after every ``migrate`` the spec is applied
again so permissions of models added by later migrations reach their roles.
Object-level rights (responsible for *this* system, head of *this* unit) are django-guardian
object permissions, not listed here.
"""

from django.utils.translation import gettext_lazy as _

RECTOR = "rector"
VICE_RECTOR = "vice_rector"
UNIT_HEAD = "unit_head"
HR_HEAD = "hr_head"
HR_OFFICER = "hr_officer"
IS_RESPONSIBLE = "is_responsible"
TEACHER = "teacher"
STUDENT = "student"
PARENT = "parent"
QUALITY = "quality"
IT_DEPARTMENT = "it_department"
AUDITOR = "auditor"

ROLE_LABELS = {
    RECTOR: _("Rector"),
    VICE_RECTOR: _("Vice-rector / director"),
    UNIT_HEAD: _("Head of unit"),
    HR_HEAD: _("Head of HR"),
    HR_OFFICER: _("HR officer"),
    IS_RESPONSIBLE: _("IS-responsible person"),
    TEACHER: _("Teacher"),
    STUDENT: _("Student"),
    PARENT: _("Parent"),
    QUALITY: _("Quality department"),
    IT_DEPARTMENT: _("IT department"),
    AUDITOR: _("Auditor"),
}

ALL_ROLES = list(ROLE_LABELS)

_VIEW_ORG = ["accounts.view_department", "accounts.view_position"]
_VIEW_PEOPLE = ["accounts.view_user", *_VIEW_ORG]
_MANAGE_PEOPLE = [
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_user",
    "accounts.add_department",
    "accounts.change_department",
    "accounts.view_department",
    "accounts.add_position",
    "accounts.change_position",
    "accounts.view_position",
]
_CALENDAR = [
    "kstu.add_calendaroverride",
    "kstu.change_calendaroverride",
    "kstu.delete_calendaroverride",
    "kstu.view_calendaroverride",
]

_AUDIT = ["audit.browse_audit", "audit.view_authevent", "audit.view_auditseal"]

# The register of information systems: the IT department maintains it (systems are taken
# out of use, not deleted); roles that handle or oversee access requests read it.
_VIEW_REGISTRY = ["registry.view_informationsystem", "registry.view_reportsection"]
_MANAGE_REGISTRY = [
    "registry.add_informationsystem",
    "registry.change_informationsystem",
    "registry.view_informationsystem",
    "registry.add_reportsection",
    "registry.change_reportsection",
    "registry.view_reportsection",
]

# Account lifecycle (IS §3): HR files requests and records orders, the HR head puts the visa;
# responsible persons act on tasks of *their* systems (checked per system in the services).
_HR_LIFECYCLE = [
    "accounts.add_registrationrequest",
    "accounts.change_registrationrequest",
    "accounts.view_registrationrequest",
    "accounts.view_requestedsystem",
    "accounts.add_personnelorder",
    "accounts.view_personnelorder",
    "accounts.view_accessgrant",
    "accounts.view_agreementacceptance",
]
_HR_HEAD_LIFECYCLE = [*_HR_LIFECYCLE, "accounts.visa_registrationrequest"]
_IS_RESPONSIBLE_LIFECYCLE = [
    "accounts.view_accessgrant",
    "accounts.view_accessincident",
    "accounts.change_accessincident",
    "accounts.add_accessrestriction",
    "accounts.change_accessrestriction",
    "accounts.view_accessrestriction",
]

# Electronic signatures: the digital-infrastructure service (IT) runs the CA and the trust list.
_SIGNATURES_ADMIN = [
    "signatures.add_trustanchor",
    "signatures.change_trustanchor",
    "signatures.view_trustanchor",
    "signatures.add_issuedcertificate",
    "signatures.change_issuedcertificate",
    "signatures.view_issuedcertificate",
    "signatures.view_keycompromisereport",
    "signatures.view_signature",
    "signatures.view_document",
]

# HR electronic documents: HR officers run the flow in the admin and the HR pages.
_HR_EDO = [
    "hr_edo.view_documenttype",
    "hr_edo.change_documenttype",
    "hr_edo.add_documenttype",
    "hr_edo.view_participation",
    "hr_edo.change_participation",
    "hr_edo.add_hrdocument",
    "hr_edo.change_hrdocument",
    "hr_edo.view_hrdocument",
    "hr_edo.view_copyrequest",
    "hr_edo.change_copyrequest",
    "hr_edo.add_outage",
    "hr_edo.change_outage",
    "hr_edo.view_outage",
    "hr_edo.view_announcement",
    "hr_edo.add_unavailabilityreport",
    "hr_edo.view_unavailabilityreport",
    "signatures.add_signature",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The rector (and vice-rectors) apply the university's qualified signature to orders.
    RECTOR: [
        *_VIEW_PEOPLE,
        "kstu.view_calendaroverride",
        *_AUDIT,
        *_VIEW_REGISTRY,
        "signatures.add_signature",
    ],
    VICE_RECTOR: [*_VIEW_PEOPLE, *_VIEW_REGISTRY, "signatures.add_signature"],
    UNIT_HEAD: [*_VIEW_ORG, *_VIEW_REGISTRY],
    HR_HEAD: [*_MANAGE_PEOPLE, *_CALENDAR, *_VIEW_REGISTRY, *_HR_HEAD_LIFECYCLE, *_HR_EDO],
    HR_OFFICER: [
        *_MANAGE_PEOPLE,
        "kstu.view_calendaroverride",
        *_VIEW_REGISTRY,
        *_HR_LIFECYCLE,
        *_HR_EDO,
    ],
    IS_RESPONSIBLE: [*_VIEW_PEOPLE, *_VIEW_REGISTRY, *_IS_RESPONSIBLE_LIFECYCLE],
    TEACHER: [*_VIEW_ORG],
    STUDENT: [],
    PARENT: [],
    QUALITY: [*_VIEW_ORG, *_VIEW_REGISTRY],
    # IT runs the accounts: it may change a card, and is the one role that grants roles.
    IT_DEPARTMENT: [
        *_VIEW_PEOPLE,
        "accounts.change_user",
        *_CALENDAR,
        *_MANAGE_REGISTRY,
        *_SIGNATURES_ADMIN,
    ],
    AUDITOR: [
        *_VIEW_PEOPLE,
        *_AUDIT,
        *_VIEW_REGISTRY,
        "accounts.view_registrationrequest",
        "accounts.view_accessgrant",
        "accounts.view_personnelorder",
        "accounts.view_agreementacceptance",
        "accounts.view_accessrestriction",
    ],
}

# Roles whose members work in the admin site (the project card: HR through the admin).
STAFF_ROLES = {HR_HEAD, HR_OFFICER, IT_DEPARTMENT}


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def sync_roles(apps=None) -> None:
    """Create every role group and give it exactly the permissions of the spec that exist.

    Works with the historical app registry inside a migration and the live one afterwards.
    Idempotent: running it twice changes nothing.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for code, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=code)
        wanted = []
        for dotted in perm_names:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        current = set(group.permissions.values_list("pk", flat=True))
        if current != {p.pk for p in wanted}:
            group.permissions.set(wanted)


def sync_roles_after_migrate(sender, **kwargs) -> None:
    from django.apps import apps as live_apps

    # post_migrate is sent once per app; permissions of every app exist after the last one.
    if sender is list(live_apps.get_app_configs())[-1]:
        sync_roles()
