from django.db import migrations

from dangvu.core.migrations_util import postgres_sql


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial"), ("members", "0001_initial"), ("accounts", "0001_initial")]

    operations = [
        postgres_sql(
            [
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                # LIKE 'prefix%' on the materialized path needs a pattern index under a non-C collation.
                "CREATE INDEX IF NOT EXISTS orgs_org_path_pattern ON orgs_org (path varchar_pattern_ops)",
                "CREATE INDEX IF NOT EXISTS orgs_org_search_trgm ON orgs_org USING gin (search_text gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS members_member_search_trgm ON members_member USING gin (search_text gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS accounts_user_search_trgm ON accounts_user USING gin (search_text gin_trgm_ops)",
            ],
            [
                "DROP INDEX IF EXISTS accounts_user_search_trgm",
                "DROP INDEX IF EXISTS members_member_search_trgm",
                "DROP INDEX IF EXISTS orgs_org_search_trgm",
                "DROP INDEX IF EXISTS orgs_org_path_pattern",
            ],
        )
    ]
