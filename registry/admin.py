"""The register in the admin site: maintained by the IT department (СИТБ)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from registry.forms import ResponsiblePersonForm
from registry.models import InformationSystem, ReportSection
from registry.services import system_assign_responsible, system_remove_responsible


class ReportSectionInline(admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ["sort_order", "code", "name_ky", "name_ru", "name_en", "is_active"]


@admin.register(InformationSystem)
class InformationSystemAdmin(SimpleHistoryAdmin):
    list_display = [
        "sort_order",
        "code",
        "name_ky",
        "name_ru",
        "address",
        "signature_use",
        "renewal_date",
        "is_active",
    ]
    list_display_links = ["code", "name_ky"]
    list_filter = ["signature_use", "is_active", ("renewal_date", admin.EmptyFieldListFilter)]
    search_fields = [
        "code",
        "name_ky",
        "name_ru",
        "name_en",
        "address",
        "responsible_units_ky",
        "responsible_units_ru",
        "responsible_units_en",
    ]
    ordering = ["sort_order", "code"]
    inlines = [ReportSectionInline]
    readonly_fields = [
        "responsible_persons_display",
        "renewal_reminded_30_for",
        "renewal_reminded_7_for",
    ]
    fieldsets = (
        (None, {"fields": ("code", "sort_order", "is_active", "address", "signature_use")}),
        (_("Name"), {"fields": ("name_ky", "name_ru", "name_en")}),
        (_("Content"), {"fields": ("content_ky", "content_ru", "content_en")}),
        (_("Users"), {"fields": ("user_groups_ky", "user_groups_ru", "user_groups_en")}),
        (
            _("Responsible"),
            {
                "fields": (
                    "responsible_units_ky",
                    "responsible_units_ru",
                    "responsible_units_en",
                    "responsible_persons_display",
                )
            },
        ),
        (_("Note"), {"fields": ("notes_ky", "notes_ru", "notes_en")}),
        (
            _("How to get access"),
            {
                "fields": (
                    "access_instructions_ky",
                    "access_instructions_ru",
                    "access_instructions_en",
                )
            },
        ),
        (
            _("Subscription"),
            {"fields": ("renewal_date", "renewal_reminded_30_for", "renewal_reminded_7_for")},
        ),
    )

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/responsible/",
                self.admin_site.admin_view(self.responsible_view),
                name="registry_informationsystem_responsible",
            ),
        ]
        return custom + super().get_urls()

    @admin.display(description=_("Responsible persons"))
    def responsible_persons_display(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the system first.")
        names = format_html_join(
            ", ", "{}", ((p.get_full_name() or p.get_username(),) for p in obj.responsible_persons)
        )
        url = reverse("admin:registry_informationsystem_responsible", args=[obj.pk])
        return format_html(
            '{} <a href="{}">{}</a>',
            names or gettext("none"),
            url,
            gettext("Assign or remove responsible persons"),
        )

    def responsible_view(self, request, object_id):
        """Add or remove responsible persons of one system (through the registry services)."""
        system = self.get_object(request, unquote(object_id))
        if system is None:
            raise Http404
        if not self.has_change_permission(request, system):
            raise PermissionDenied
        form = ResponsiblePersonForm(request.POST if "assign" in request.POST else None)
        if request.method == "POST":
            try:
                if "remove" in request.POST:
                    person = get_user_model().objects.filter(pk=request.POST["remove"]).first()
                    if person is not None and system_remove_responsible(
                        actor=request.user, system=system, user=person
                    ):
                        messages.success(
                            request,
                            gettext("%(person)s is no longer responsible for the system.")
                            % {"person": person},
                        )
                    return HttpResponseRedirect(request.path)
                if form.is_valid():
                    person = form.cleaned_data["user"]
                    if system_assign_responsible(actor=request.user, system=system, user=person):
                        messages.success(
                            request,
                            gettext("%(person)s is now responsible for the system.")
                            % {"person": person},
                        )
                    else:
                        messages.info(
                            request,
                            gettext("%(person)s was already responsible for the system.")
                            % {"person": person},
                        )
                    return HttpResponseRedirect(request.path)
            except (PermissionDenied, ValidationError) as error:
                for message in getattr(error, "messages", None) or [str(error)]:
                    messages.error(request, message)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": system,
            "title": gettext("Responsible persons: %(system)s") % {"system": system},
            "persons": system.responsible_persons,
            "form": form,
            "change_url": reverse("admin:registry_informationsystem_change", args=[system.pk]),
        }
        return TemplateResponse(
            request, "admin/registry/informationsystem/responsible.html", context
        )


@admin.register(ReportSection)
class ReportSectionAdmin(SimpleHistoryAdmin):
    list_display = ["system", "code", "name_ky", "name_ru", "name_en", "sort_order", "is_active"]
    list_filter = ["is_active", "system"]
    list_select_related = ["system"]
    search_fields = ["code", "name_ky", "name_ru", "name_en", "system__code"]
    ordering = ["system__sort_order", "sort_order", "code"]
