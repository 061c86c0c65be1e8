from rest_framework import serializers

from accounts.models import Department, Position, User


class DepartmentBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "registration_code", "kind", "name", "name_ky", "name_ru", "name_en"]


class PositionBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "code", "name", "name_ky", "name_ru", "name_en"]


class ProfileSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    department = DepartmentBriefSerializer(read_only=True)
    position = PositionBriefSerializer(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "last_name",
            "first_name",
            "patronymic",
            "email",
            "personal_email",
            "work_phone",
            "mobile_phone",
            "department",
            "position",
            "kind",
            "preferred_language",
            "roles",
        ]
        read_only_fields = fields

    def get_roles(self, obj) -> list[str]:
        return sorted(obj.role_codes)
