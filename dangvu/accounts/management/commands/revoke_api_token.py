from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangvu.accounts.models import ApiToken
from dangvu.audit.services import audit_log


class Command(BaseCommand):
    help = "Revoke API tokens by their 8-character prefix, or all tokens of --user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", nargs="?", default="")
        parser.add_argument("--user", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        if options["prefix"]:
            tokens = tokens.filter(prefix=options["prefix"][:8])
        elif options["user"]:
            tokens = tokens.filter(user__username=options["user"])
        else:
            raise CommandError("Cho biết tiền tố mã hoặc --user.")
        count = 0
        for token in tokens:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_log(
                actor="cli",
                action="update",
                obj=token,
                event="accounts.token_revoke",
                data={"prefix": token.prefix},
            )
            count += 1
        self.stdout.write(f"Đã thu hồi {count} mã.")
