"""API representations of the register (read-only)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.models import InformationSystem, ReportSection, SignatureUse


class ResponsiblePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_full_name(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ReportSectionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ReportSection
        fields = ["id", "code", "name", "name_ky", "name_ru", "name_en"]
        read_only_fields = fields


class InformationSystemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the request's language."))
    responsible_persons = ResponsiblePersonSerializer(many=True, read_only=True)
    report_sections = ReportSectionSerializer(
        source="active_report_sections", many=True, read_only=True
    )

    class Meta:
        model = InformationSystem
        fields = [
            "id",
            "code",
            "name",
            "name_ky",
            "name_ru",
            "name_en",
            "address",
            "content_ky",
            "content_ru",
            "content_en",
            "user_groups_ky",
            "user_groups_ru",
            "user_groups_en",
            "responsible_units_ky",
            "responsible_units_ru",
            "responsible_units_en",
            "signature_use",
            "notes_ky",
            "notes_ru",
            "notes_en",
            "access_instructions_ky",
            "access_instructions_ru",
            "access_instructions_en",
            "renewal_date",
            "is_active",
            "responsible_persons",
            "report_sections",
        ]
        read_only_fields = fields


class SystemQuerySerializer(serializers.Serializer):
    """Query parameters of the system list."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Text to find in names, content, users or responsible units (any language)."),
    )
    signature_use = serializers.ChoiceField(
        choices=SignatureUse.choices, required=False, help_text=_("How changes are confirmed.")
    )
    active = serializers.ChoiceField(
        choices=["true", "false", "all"],
        required=False,
        default="true",
        help_text=_(
            "true (default): systems in use; false or all: also those out of use "
            "(only for those who manage the register)."
        ),
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text=_("Only systems I am responsible for.")
    )

    def filters(self) -> dict:
        data = self.validated_data
        return {
            "q": data.get("q", ""),
            "signature_use": data.get("signature_use", ""),
            "active": {"true": True, "false": False, "all": None}[data["active"]],
            "mine": data["mine"],
        }
