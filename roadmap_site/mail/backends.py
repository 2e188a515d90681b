"""The embedded default's mail backend: each mail becomes one ``.eml`` file under
``var/mail/`` (ROADMAP_MAIL_DIR), readable by any mail program; the national project
leader also reads every mail on the Outbox page."""

import re
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class FileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(settings.ROADMAP_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for email in email_messages:
            mime = email.message()
            ident = re.sub(r"[^A-Za-z0-9.-]", "_", str(mime["Message-ID"] or "mail").strip("<>"))
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            (folder / f"{stamp}-{ident}.eml").write_bytes(mime.as_bytes(linesep="\r\n"))
            count += 1
        return count
