"""Role-aware navigation of the UI shell."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


def navigation_for(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = [
        NavItem(_("Dashboard"), reverse("dashboard"), "dashboard"),
        NavItem(_("My profile"), reverse("accounts:profile"), "profile"),
        NavItem(_("My access"), reverse("accounts:access-mine"), "access"),
        NavItem(_("Information systems"), reverse("registry:list"), "registry"),
    ]
    if user.has_perm("accounts.view_registrationrequest"):
        items.append(NavItem(_("Requests"), reverse("accounts:request-queue"), "requests"))
    # Held by IS-responsible persons only; read from the permission cache (no extra query).
    if user.has_perm("accounts.add_accessrestriction"):
        items.append(NavItem(_("Access queue"), reverse("accounts:access-queue"), "queue"))
    if user.has_perm("audit.browse_audit"):
        items.append(NavItem(_("Audit log"), reverse("audit:browser"), "audit"))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    items.append(NavItem(_("API"), reverse("api-docs"), "api"))
    return items
