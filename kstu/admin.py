from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kstu.models import CalendarOverride
from kstu.workdays import clear_overrides_cache

admin.site.site_header = "KSTU IS"
admin.site.site_title = "KSTU IS"


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "reason"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_overrides_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_overrides_cache()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            obj.delete()
        clear_overrides_cache()
