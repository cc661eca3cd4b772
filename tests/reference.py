"""The reference data the data migrations write (unit types, roles, member rules, document types, the
roles' default grants). A transactional test flushes every table, data migrations included; the shared
fixture in tests/conftest.py loads this again before each such test."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

FORWARDS = (
    ("dangvu.orgs.migrations.0003_org_types", "forward"),
    ("dangvu.accounts.migrations.0002_roles", "forward"),
    ("dangvu.members.migrations.0004_reference_data", "forward"),
    ("dangvu.members.migrations.0007_recognition_extension", "add_rule"),
    ("dangvu.members.migrations.0018_decides_authority_data", "forward"),
    ("dangvu.members.migrations.0018_partyage_rules_grounds_backfill", "forward"),
    ("dangvu.documents.migrations.0002_document_types", "forward"),
    ("dangvu.documents.migrations.0008_retention_periods_seed", "forward"),
    ("dangvu.workcalendar.migrations.0003_calendar_pinned_days_seed", "forward"),
    ("dangvu.members.migrations.0018_calendar_clock_and_transfer_rules", "forward"),
    ("dangvu.members.migrations.0026_admission_age_rule_eras", "forward"),
    ("dangvu.members.migrations.0030_rehabilitation_authority_readmission_age_rule", "forward"),
)


def reload_reference_data() -> None:
    from dangvu.accounts.grants import sync_default_grants
    from dangvu.orgs.models import OrgType

    if OrgType.objects.exists():
        return  # not flushed (the first transactional test of a run, or a test that kept the data)
    for module, function in FORWARDS:
        getattr(import_module(module), function)(apps, None)
    sync_default_grants()
