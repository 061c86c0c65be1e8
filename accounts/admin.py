from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Department, Position, User


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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Only a superuser hands out superuser or individual permissions.
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


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
