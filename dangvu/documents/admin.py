from django.contrib import admin

from dangvu.documents.models import (
    ApprovalRoute,
    ApprovalStep,
    DocumentType,
    FileHeading,
    IssuingOrgan,
    RetentionPeriod,
    TypeAbbreviation,
)


class ApprovalStepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApprovalStep
    extra = 1


@admin.register(ApprovalRoute)
class ApprovalRouteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "org", "doc_type")
    inlines = [ApprovalStepInline]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "abbreviation", "is_letter", "active", "legal_basis")
    search_fields = ("name", "abbreviation")


@admin.register(TypeAbbreviation)
class TypeAbbreviationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org", "doc_type", "abbreviation", "valid_from", "valid_to")


@admin.register(IssuingOrgan)
class IssuingOrganAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org", "place", "series_period")


@admin.register(FileHeading)
class FileHeadingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("org", "year", "code", "title", "retention_years", "closed_on", "handover")
    list_filter = ("year",)


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The table of standard retention periods: rows not checked against the original text show
    ``confirmed`` unticked until an administrator checks them."""

    list_display = ("code", "group", "title", "retention_years", "confirmed", "active", "legal_basis")
    list_filter = ("confirmed", "active", "group")
    list_editable = ("retention_years", "confirmed", "active")
    search_fields = ("code", "title", "group")
