from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.accounts.models import User
from dangvu.accounts.services import api_token_create
from dangvu.audit.context import Origin, reset_origin, set_origin


class Command(BaseCommand):
    help = "Issue a new API bearer token for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label to recognise the token by")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        if not user.is_active:
            raise CommandError(f"Tài khoản “{user.username}” đang bị khóa.")
        token = set_origin(Origin(channel="cli"))
        try:
            _row, key = api_token_create(actor=None, user=user, name=options["name"] or "cli")
        finally:
            reset_origin(token)
        self.stdout.write(key)
