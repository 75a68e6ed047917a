"""Where an admin upload waits between its preview and the editor's confirm: a private folder, server-chosen names.

django-import-export's default storage reads, then deletes, whatever file the confirm form's
`import_file_name` names in the system's temp folder, so an Editor could make the server delete any
top-level file there. Here the name the form carries is a token this server signed when it stored the
upload; any other name is refused before a file is touched, and files live in a folder only this app uses.
"""

import re
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from import_export.tmp_storages import BaseStorage

SALT = "nrfsite.interchange.uploads"
MAX_AGE = 24 * 3600  # an upload not confirmed within a day is no longer accepted
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def upload_folder():
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "nrfsite-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class PrivateUploadStorage(BaseStorage):
    def save(self, data):
        token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]
        path = upload_folder() / token
        path.write_bytes(data if isinstance(data, bytes) else data.encode(self.encoding or "utf-8"))
        path.chmod(0o600)
        self.name = signing.dumps(token, salt=SALT)

    def path(self):
        try:
            token = signing.loads(self.name or "", salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            raise SuspiciousOperation("The upload's name was not handed out by this server (or it is too old).") from None
        if not isinstance(token, str) or not TOKEN.match(token):
            raise SuspiciousOperation("The upload's name is not one this server makes.")
        return upload_folder() / token

    def read(self):
        try:
            data = self.path().read_bytes()
        except FileNotFoundError:
            raise SuspiciousOperation("This upload was imported already or has expired: upload the file again.") from None
        return data if "b" in (self.read_mode or "") else data.decode(self.encoding or "utf-8")

    def remove(self):
        self.path().unlink(missing_ok=True)
