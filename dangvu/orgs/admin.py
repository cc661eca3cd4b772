from django.contrib import admin

from dangvu.core.admin import AuditedModelAdmin
from dangvu.orgs.models import OrgType


@admin.register(OrgType)
class OrgTypeAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "code",
        "default_abbreviation",
        "rank",
        "is_grassroots",
        "has_members",
        "is_dashboard_level",
    )
    list_editable = ("rank",)
