from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from accounts.models import Department, Position, User
from audit.models import AuthEvent
from audit.services import event_record


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
                event_record(
                    action=AuthEvent.Action.PERSONAL_DATA_VIEW,
                    request=request,
                    user=request.user,
                    target=target,
                    details={"where": "admin"},
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
