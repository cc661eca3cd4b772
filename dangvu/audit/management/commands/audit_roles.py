"""`dangvu audit_roles`: the PostgreSQL roles that keep the application from rewriting its audit log.

The application connects (``DATABASE_URL``) as the **app role**: it may read and write every table but may
only SELECT and INSERT the audit tables; it does not own them, so it can neither drop their append-only
triggers nor truncate, update or delete them. The audit tables belong to the **owner role** (NOLOGIN),
granted to the role that runs this command and the migrations. Run it, connected as that migrating role
(or a superuser), after ``dangvu migrate``: after the first one, and after any migration that adds a
table. ``--sql`` prints the statements instead (docs/production.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

AUDIT_TABLES = ("audit_auditentry", "audit_auditchainlink")


def role_statements(owner: str, app: str, database: str) -> list[str]:
    """The SQL that creates (if missing) and grants the two roles."""
    q = connection.ops.quote_name
    tables = ", ".join(AUDIT_TABLES)
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') "
        f"THEN CREATE ROLE {q(owner)} NOLOGIN; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') "
        f"THEN CREATE ROLE {q(app)} LOGIN; END IF; END $$",
        f"GRANT {q(owner)} TO CURRENT_USER",
        f"GRANT CONNECT ON DATABASE {q(database)} TO {q(app)}",
        f"GRANT USAGE ON SCHEMA public TO {q(app)}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(app)}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {q(app)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(app)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {q(app)}",
        *(f"ALTER TABLE {table} OWNER TO {q(owner)}" for table in AUDIT_TABLES),
        f"ALTER FUNCTION audit_entry_append_only() OWNER TO {q(owner)}",
        f"REVOKE ALL ON {tables} FROM {q(app)}",
        f"REVOKE ALL ON {tables} FROM PUBLIC",
        f"GRANT SELECT, INSERT ON {tables} TO {q(app)}",
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL: create the audit owner role and the application role, which may only read and append "
        "to the audit tables (not update, delete, truncate or alter them). Run after migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner-role", default="dangvu_audit_owner")
        parser.add_argument("--app-role", default="dangvu_app")
        parser.add_argument("--sql", action="store_true", help="print the statements, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        owner, app = options["owner_role"], options["app_role"]
        for name in (owner, app):
            if not name.replace("_", "").isalnum():
                raise CommandError(f"Invalid role name: {name}")
        if connection.vendor != "postgresql" and not options["sql"]:
            raise CommandError("Database roles exist only on PostgreSQL.")
        statements = role_statements(owner, app, str(connection.settings_dict["NAME"]))
        if options["sql"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(
                f"Role {app} may read and append to the audit log; {owner} owns it. "
                f"Connect the application as {app} (set its password with ALTER ROLE)."
            )
        )
