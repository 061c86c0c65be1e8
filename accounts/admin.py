from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from accounts.forms import AdminLoginForm
from accounts.models import (
    AccessGrant,
    AccessRestriction,
    AccountActivation,
    AgreementAcceptance,
    AgreementVersion,
    Department,
    PersonnelOrder,
    Position,
    RegistrationRequest,
    RequestedSystem,
    User,
)
from accounts.services.agreement import agreement_cache_clear
from audit.services import personal_data_view_record

# The admin's login goes through the same lockout path as the site's (A11).
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "last_name",
        "first_name",
        "patronymic",
        "email",
        "department",
        "position",
        "kind",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "is_staff", "groups", "department"]
    list_select_related = ["department", "position"]
    search_fields = ["username", "last_name", "first_name", "patronymic", "email"]
    ordering = ["last_name", "first_name"]
    autocomplete_fields = ["department", "position"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {
                "fields": (
                    "last_name",
                    "first_name",
                    "patronymic",
                    "email",
                    "personal_email",
                    "work_phone",
                    "mobile_phone",
                    "home_address",
                    "preferred_language",
                )
            },
        ),
        (_("Place in the university"), {"fields": ("kind", "department", "position")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "last_name",
                    "first_name",
                    "patronymic",
                    "email",
                    "work_phone",
                    "mobile_phone",
                    "home_address",
                    "department",
                    "position",
                    "kind",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Opening another person's card shows their personal data: that view is audited.
        if request.method == "GET" and str(request.user.pk) != str(object_id):
            target = self.get_object(request, object_id)
            if target is not None:
                personal_data_view_record(
                    viewer=request.user,
                    owner_id=target.pk,
                    target=target,
                    request=request,
                    where="admin",
                )
        return response

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        actor = request.user
        # Only a superuser hands out superuser or individual permissions.
        if not actor.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            # Roles and admin-site access are privileges: the IT department grants them
            # (HR registers people but cannot raise anyone's rights, least of all its own).
            if not actor.has_role(roles.IT_DEPARTMENT) or (obj is not None and obj.pk == actor.pk):
                fields += ["groups", "is_staff"]
        return fields

    def has_change_permission(self, request, obj=None):
        # A non-superuser who may change users (HR) must not change a superuser: resetting
        # the superuser's password or e-mail would hand them the superuser's account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["registration_code", "name_ky", "name_ru", "kind", "parent", "head"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent", "head"]
    search_fields = ["registration_code", "name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["parent", "head"]


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_ky", "name_ru", "name_en", "is_teaching"]
    list_filter = ["is_teaching"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]


# --------------------------------------------------------------------------- account lifecycle
# HR officers work here (the project card: HR through the admin site). State changes go through
# the services (the web pages and the actions below), so the change forms are read-only.


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows that only services create or change: the admin lists, filters and shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequestedSystemInline(admin.TabularInline):
    model = RequestedSystem
    extra = 0
    can_delete = False
    readonly_fields = ["system", "access_level"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(_ReadOnlyAdmin):
    list_display = [
        "full_name",
        "department",
        "position",
        "status",
        "created_at",
        "visa_by",
        "account",
    ]
    list_filter = ["status", "department", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["department", "position", "visa_by", "account"]
    search_fields = ["last_name", "first_name", "patronymic", "personal_email", "mobile_phone"]
    date_hierarchy = "created_at"
    inlines = [RequestedSystemInline]
    exclude = ["tracking_token"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Open, not yet due"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(status=AccessGrant.Status.PENDING, due_at__lt=now)
        if self.value() == "open":
            return queryset.filter(status=AccessGrant.Status.PENDING, due_at__gte=now)
        return queryset


@admin.register(AccessGrant)
class AccessGrantAdmin(_ReadOnlyAdmin):
    list_display = [
        "user",
        "system",
        "kind",
        "access_level",
        "status",
        "due_at",
        "reminded_at",
        "escalated_at",
        "decided_by",
    ]
    list_filter = [OverdueFilter, "status", "kind", "system", "user__department"]
    list_select_related = ["user", "system", "decided_by"]
    search_fields = ["user__last_name", "user__first_name", "user__username"]
    date_hierarchy = "due_at"


@admin.register(PersonnelOrder)
class PersonnelOrderAdmin(_ReadOnlyAdmin):
    list_display = ["number", "kind", "user", "approved_on", "effective_on", "applied_at"]
    list_filter = ["kind", ("approved_on", admin.DateFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["number", "user__last_name", "user__first_name", "user__username"]
    date_hierarchy = "approved_on"


@admin.register(AccountActivation)
class AccountActivationAdmin(_ReadOnlyAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at", "created_by"]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__username", "user__last_name"]
    exclude = ["token_hash"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(SimpleHistoryAdmin):
    """A new version is a new row: texts already accepted are never edited."""

    list_display = ["version", "published_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Everyone must accept the new text at their next request (the version is cached).
        transaction.on_commit(agreement_cache_clear)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(_ReadOnlyAdmin):
    list_display = ["user", "version", "accepted_at", "ip_address"]
    list_filter = ["version"]
    list_select_related = ["user", "version"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(AccessRestriction)
class AccessRestrictionAdmin(_ReadOnlyAdmin):
    list_display = ["user", "kind", "system", "function", "created_by", "created_at", "lifted_at"]
    list_filter = ["kind", "system", ("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "system", "created_by"]
    search_fields = ["user__username", "user__last_name", "reason"]
