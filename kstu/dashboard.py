"""What each role sees on its dashboard.

Cards point at working pages; a card whose feature is not built yet says so plainly
instead of linking to nothing.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles


@dataclass(frozen=True)
class Card:
    title: str
    text: str
    url_name: str | None = None
    url: str | None = field(default=None)


def _card(title, text, url_name=None) -> Card:
    url = None
    if url_name:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
    return Card(title=title, text=text, url_name=url_name, url=url)


def _common():
    return [
        _card(
            _("My profile"), _("Your contact details, department and position."), "accounts:profile"
        ),
        _card(
            _("My access"),
            _("The information systems you can use, and requests in progress."),
            "accounts:access-mine",
        ),
        _card(
            _("Password and sessions"),
            _("Change your password; see where you are signed in and sign out everywhere."),
            "accounts:sessions",
        ),
        _card(
            _("My HR documents"),
            _("Orders to acquaint with and sign, with due dates; the archive of signed ones."),
            "hr_edo:inbox",
        ),
        _card(
            _("Applications to HR"),
            _("Leave applications signed electronically; copies of your documents."),
            "hr_edo:my_applications",
        ),
        _card(
            _("My electronic signature"),
            _("Request a certificate with a key made in this browser; report a lost key."),
            "signatures:certificates",
        ),
        _card(
            _("Verify a signed document"),
            _("Check who signed a document, when, and whether it changed."),
            "signatures:verify",
        ),
        _card(
            _("Report unauthorized access"),
            _("Someone used your account or may know your password."),
            "accounts:incident_new",
        ),
    ]


def _overdue_card():
    return _card(
        _("Overdue access tasks"),
        _("Access not opened or closed within 3 working days, by system and person."),
        "accounts:access-overdue",
    )


_ROLE_CARDS = {
    roles.RECTOR: lambda: [
        _card(
            _("University structure"),
            _("Institutes, faculties, chairs and units."),
            "admin:accounts_department_changelist",
        ),
        _card(
            _("Audit log"),
            _("Who changed what, when, and the values before and after."),
            "audit:browser",
        ),
        _overdue_card(),
    ],
    roles.VICE_RECTOR: lambda: [
        _card(_("Units' data"), _("Timely filling of forms in your units — coming soon.")),
    ],
    roles.UNIT_HEAD: lambda: [
        _card(_("My unit"), _("Staff of your unit and their access — coming soon.")),
        _card(_("Course approvals"), _("E-course review by the department — coming soon.")),
    ],
    roles.HR_HEAD: lambda: [
        _card(
            _("Employees"),
            _("Register and update employees in the admin site."),
            "admin:accounts_user_changelist",
        ),
        _card(
            _("Visa queue"),
            _("Registration requests awaiting your visa."),
            "accounts:request-queue",
        ),
        _card(
            _("Dismissals and transfers"),
            _("Orders whose access the responsible persons close within 3 working days."),
            "accounts:orders",
        ),
        _overdue_card(),
        _card(
            _("Working-day calendar"),
            _("Days moved or declared by decree."),
            "admin:kstu_calendaroverride_changelist",
        ),
    ],
    roles.HR_OFFICER: lambda: [
        _card(
            _("Employees"),
            _("Register and update employees in the admin site."),
            "admin:accounts_user_changelist",
        ),
        _card(
            _("Registration requests"),
            _("New employees' requests; file one on an employee's behalf."),
            "accounts:request-queue",
        ),
        _card(
            _("Dismissals and transfers"),
            _("Record an order; the responsible persons close access within 3 working days."),
            "accounts:orders",
        ),
        _card(
            _("HR documents"),
            _("Applications to accept, orders to draft and send, participants of EDO."),
            "hr_edo:applications_queue",
        ),
        _card(
            _("Orders"),
            _("Draft leave orders, send them for the university's signature and to employees."),
            "hr_edo:order_list",
        ),
        _card(
            _("Copy requests"),
            _("Copies of documents due within 3 working days."),
            "hr_edo:copy_queue",
        ),
        _card(
            _("EDO participants"),
            _("Employees who joined HR EDO, and those on paper."),
            "hr_edo:participants",
        ),
        _card(
            _("Export and retention"),
            _("Export documents for authorities; documents past their retention period."),
            "hr_edo:export",
        ),
    ],
    roles.IS_RESPONSIBLE: lambda: [
        _card(
            _("Access queue"),
            _("Access to open or close for your systems, with due dates."),
            "accounts:access-queue",
        ),
        _card(_("My systems"), _("Systems you are responsible for."), "registry:list"),
        _card(
            _("Locked accounts"),
            _("Accounts locked after 3 failed sign-ins, with the attempts; unlock with a reason."),
            "accounts:lockout-list",
        ),
        _card(
            _("Blocks and restrictions"),
            _("Block an account or forbid a system or function, with the act's reason."),
            "accounts:restrictions",
        ),
        _card(
            _("Unauthorized-access reports"),
            _("Reports from users, with their recent sign-ins."),
            "accounts:incident_queue",
        ),
    ],
    roles.TEACHER: lambda: [
        _card(_("My courses"), _("E-learning courses you teach — coming soon.")),
    ],
    roles.STUDENT: lambda: [
        _card(_("My grades"), _("Module results, exam sessions and ratings — coming soon.")),
        _card(_("Learning resources"), _("Courses and materials — coming soon.")),
    ],
    roles.PARENT: lambda: [
        _card(_("My child's results"), _("Grades and contract payments — coming soon.")),
    ],
    roles.QUALITY: lambda: [
        _card(_("Course monitoring"), _("Teachers' e-learning work and surveys — coming soon.")),
    ],
    roles.IT_DEPARTMENT: lambda: [
        _card(_("Users"), _("Accounts of the university."), "admin:accounts_user_changelist"),
        _card(
            _("Information systems"),
            _("The register of systems, responsible persons and renewals."),
            "registry:list",
        ),
        _card(
            _("Certification authority"),
            _("Issue or refuse employees' certificate requests; the revocation list."),
            "signatures:certificate_issue",
        ),
        _card(
            _("Trust list"),
            _("Accredited certification centres and the university CA."),
            "admin:signatures_trustanchor_changelist",
        ),
        _overdue_card(),
    ],
    roles.AUDITOR: lambda: [
        _card(
            _("Audit log"),
            _("Who changed what, when, and the values before and after."),
            "audit:browser",
        ),
        _overdue_card(),
    ],
}


def dashboard_sections(user) -> list[tuple[str, list[Card]]]:
    """[(role label, cards)] for each role the user holds, in the order of ``ROLE_LABELS``."""
    sections = [(str(_("For everyone")), _common())]
    for code in roles.ALL_ROLES:
        if user.has_role(code):
            sections.append((roles.role_label(code), _ROLE_CARDS[code]()))
    return sections
