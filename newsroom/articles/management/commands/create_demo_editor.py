"""Create a staff account for trying the admin on a local demo (never with DEBUG off)."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.database import VAR_DIR


class Command(BaseCommand):
    help = "Create the 'editor' superuser for the local demo; its password goes to var/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--address", default="", help="the site's address, shown with the account at the end"
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("refusing to create a demo account with DEBUG off")
        User = get_user_model()
        password_file = VAR_DIR / "editor-password.txt"
        if User.objects.filter(username="editor").exists():
            password = (
                password_file.read_text(encoding="utf-8").strip() if password_file.exists() else ""
            )
        else:
            password = os.environ.get("EDITOR_PASSWORD") or secrets.token_urlsafe(12)
            User.objects.create_superuser("editor", password=password)
            VAR_DIR.mkdir(exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        self.stdout.write(self._banner(options["address"], password, password_file))

    def _banner(self, address: str, password: str, password_file) -> str:
        """The lines a person starting the demo looks for, set apart from the rest."""
        lines = []
        if address:
            lines += [f"Newsroom:  {address}", f"Admin:     {address.rstrip('/')}/admin/"]
        lines.append(
            f"Editor:    user editor, password {password}  (saved in {password_file})"
            if password
            else "Editor:    user editor (password unknown: manage.py changepassword editor)"
        )
        rule = "=" * max(len(line) for line in lines)
        return "\n".join(["", rule, *lines, rule, ""])
