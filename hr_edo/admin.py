"""The HR officers' admin for EDO (the project card): types, participations, documents, copies.

The actions call the same services as the web pages (export, copy requests)."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hr_edo.models import (
    EXCLUDED_DOCUMENT_CODES,
    CopyRequest,
    DocumentType,
    HrDocument,
    Participation,
)
from hr_edo.services import export


class DocumentTypeForm(forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = [
            "number",
            "code",
            "name_ky",
            "name_ru",
            "name_en",
            "kind",
            "university_signature",
            "acquaintance_working_days",
            "legal_term_note",
            "retention_years",
            "is_active",
        ]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in EXCLUDED_DOCUMENT_CODES:
            raise forms.ValidationError(
                _(
                    "“%(name)s” cannot be handled as an electronic document: IS §1.7 excludes "
                    "the work book, the industrial-accident act, the dismissal order and the "
                    "labour-protection training documents from EDO."
                ),
                code="excluded",
                params={"name": EXCLUDED_DOCUMENT_CODES[code]},
            )
        return code


@admin.register(DocumentType)
class DocumentTypeAdmin(SimpleHistoryAdmin):
    form = DocumentTypeForm
    list_display = [
        "number",
        "code",
        "name_ky",
        "kind",
        "university_signature",
        "acquaintance_working_days",
        "retention_years",
        "is_active",
    ]
    list_filter = ["kind", "university_signature", "is_active"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    ordering = ["number"]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["employee", "status", "signed_at", "registered_by", "registered_at"]
    list_filter = ["status", "employee__department"]
    list_select_related = ["employee", "registered_by"]
    search_fields = ["employee__username", "employee__last_name", "employee__first_name"]
    raw_id_fields = ["employee", "application", "registered_by"]
    date_hierarchy = "signed_at"


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = self._overdue_q(queryset.model)
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset

    @staticmethod
    def _overdue_q(model):
        from django.db.models import Q

        now = timezone.now()
        if model is CopyRequest:
            return Q(status=CopyRequest.Status.PENDING, due_at__lt=now)
        return Q(status=HrDocument.Status.SENT, due_at__lt=now)


@admin.register(HrDocument)
class HrDocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "employee_department",
        "status",
        "document_date",
        "due_at",
        "retention_until",
        "legal_hold",
    ]
    list_filter = ["type", "status", "employee__department", OverdueFilter, "legal_hold"]
    list_select_related = ["type", "employee", "employee__department"]
    search_fields = [
        "employee__username",
        "employee__last_name",
        "employee__first_name",
        "number",
    ]
    raw_id_fields = ["employee", "pdf", "previous_version", "based_on", "created_by"]
    date_hierarchy = "document_date"
    actions = ["submit_for_signature", "remind_now", "export_selected"]
    list_per_page = 50

    @admin.display(description=_("department"), ordering="employee__department__name_ky")
    def employee_department(self, obj):
        return obj.employee.department or "—"

    @admin.action(
        description=_("Send the selected draft orders for the university's signature"),
        permissions=["change"],
    )
    def submit_for_signature(self, request, queryset):
        from django.core.exceptions import PermissionDenied, ValidationError

        from hr_edo.services.orders import order_submit_for_signature

        done, refused = 0, []
        for doc in queryset.filter(status=HrDocument.Status.DRAFT).select_related("type"):
            try:
                order_submit_for_signature(actor=request.user, hr_document=doc)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"{doc}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        self.message_user(
            request,
            gettext("Sent for signature: %(count)d.") % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Remind the employees now"), permissions=["change"])
    def remind_now(self, request, queryset):
        from hr_edo.services.orders import order_remind_now

        sent = 0
        for doc in queryset.filter(status=HrDocument.Status.SENT).select_related(
            "employee", "type"
        ):
            sent += order_remind_now(actor=request.user, hr_document=doc)
        self.message_user(
            request,
            gettext("Reminders queued: %(count)d.") % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )

    @admin.action(description=_("Export the selected documents (ZIP)"), permissions=["change"])
    def export_selected(self, request, queryset):
        documents = export.export_queryset().filter(pk__in=queryset.values("pk"))
        if not documents.exists():
            self.message_user(
                request, gettext("None of the selected documents has a PDF."), messages.WARNING
            )
            return None
        content = export.hr_documents_export(
            actor=request.user,
            documents=documents,
            filters={"admin_selection": sorted(documents.values_list("pk", flat=True))},
            request=request,
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
        return response


@admin.register(CopyRequest)
class CopyRequestAdmin(SimpleHistoryAdmin):
    list_display = ["employee", "form", "status", "requested_at", "due_at", "handled_by"]
    list_filter = ["form", "status", OverdueFilter, "employee__department"]
    list_select_related = ["employee", "handled_by"]
    search_fields = ["employee__username", "employee__last_name", "employee__first_name"]
    raw_id_fields = ["employee", "documents", "issued_document", "handled_by"]
    date_hierarchy = "requested_at"
