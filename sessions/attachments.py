"""Session documents: the type is read from the file's first bytes, never from its name.

Allowed: PDF, Office (OOXML .docx/.xlsx/.pptx, legacy .doc/.xls/.ppt), OpenDocument, PNG,
JPEG, GIF, WebP. At most MAX_BYTES. Files are stored under MEDIA_ROOT with a random name and
served only by ``sessions.views.records.attachment_download``, which checks access.

The name a user gave is kept only to show and to name the download, so it must say what
the file is: its extension must match the content (a PDF called ``report.exe`` would be
saved as a program by the reader's browser), and it may not hide anything (control or
bidirectional-override characters, which make ``invoice\u202efdp.exe`` look like
``invoiceexe.pdf``), nor carry a path. Office and OpenDocument files are ZIP archives: one
that would unpack to an absurd size, or with absurdly many members, is refused before a
reader's office program has to open it (a "zip bomb").
"""

import io
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 200
# Real Office documents of 20 MB unpack to a few hundred MB at most and compress text about
# 10-20 times; a bomb compresses 1000 times or more.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000
# Control, format (bidirectional overrides) and line or paragraph separator characters.
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}

# Which name extensions fit each detected content.
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg", "jpe"},
    "gif": {"gif"},
    "webp": {"webp"},
    "doc": {"doc", "dot", "xls", "xlt", "ppt", "pot", "pps", "msg"},
    "docx": {"docx", "docm", "dotx"},
    "xlsx": {"xlsx", "xlsm", "xltx"},
    "pptx": {"pptx", "pptm", "ppsx", "potx"},
}

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# OpenDocument files name their own type in their first member, ``mimetype``: that text is
# written by whoever made the file, so it is only ever looked up here, never stored or sent
# as it came (a crafted one carried a line break and a header of its own).
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "ott",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ots",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "otp",
    "application/vnd.oasis.opendocument.graphics": "odg",
    "application/vnd.oasis.opendocument.graphics-template": "otg",
    "application/vnd.oasis.opendocument.formula": "odf",
    "application/vnd.oasis.opendocument.chart": "odc",
}

# Every type an attachment can be served with; anything else (a row written before the fixed
# list, or imported from elsewhere) is served as plain bytes.
CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/vnd.ms-office",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        *ODF_TYPES,
    }
)


def served_type(stored: str) -> str:
    """The Content-Type to send for an attachment stored with ``stored``."""
    return stored if stored in CONTENT_TYPES else "application/octet-stream"


def served_name(stored: str) -> str:
    """The download name without characters that cannot travel in a header."""
    name = "".join(char for char in stored if unicodedata.category(char) not in INVISIBLE)
    return name.strip() or "attachment"


def sniff(head: bytes, upload=None) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None when not allowed."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(OLE):
        return "application/vnd.ms-office", "doc"
    if head.startswith(b"PK\x03\x04") and upload is not None:
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload) -> tuple[str, str] | None:
    """A ZIP is an Office or OpenDocument file only if it has their marker members."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            _check_archive(archive, upload.size)
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return mimetype, ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return (
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "docx",
                    )
                if any(n.startswith("xl/") for n in names):
                    return (
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "xlsx",
                    )
                if any(n.startswith("ppt/") for n in names):
                    return (
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        "pptx",
                    )
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def _check_archive(archive: zipfile.ZipFile, packed_size: int) -> None:
    """Refuse a ZIP whose declared contents are absurd, without unpacking anything."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            _("The document has too many parts (%(count)d) to be a real office document.")
            % {"count": len(members)}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(packed_size, 1):
        raise ValidationError(
            _(
                "The document would unpack to %(mb)d MB, far more than a real office "
                "document; it is refused as a possible zip bomb."
            )
            % {"mb": unpacked // (1024 * 1024)}
        )
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise ValidationError(_("The document contains parts with unsafe paths."))


def check_name(name: str, extension: str) -> None:
    """Refuse a file name that hides what the file is; see the module docstring."""
    if not name or not name.strip():
        raise ValidationError(_("The file has no name."))
    if any(unicodedata.category(char) in INVISIBLE for char in name):
        raise ValidationError(
            _("The file name contains invisible or control characters; rename the file.")
        )
    if "/" in name or "\\" in name or name.startswith(".") or ":" in name:
        raise ValidationError(_("The file name contains a path; upload the file by its name."))
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The file name is longer than %(max)d characters; shorten it.")
            % {"max": MAX_NAME_LENGTH}
        )
    given = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = EXTENSIONS.get(extension, {extension})
    if given not in allowed:
        raise ValidationError(
            _("The file is called “%(name)s” but its content is a %(kind)s file; rename it.")
            % {"name": name, "kind": extension.upper()}
        )


def check_upload(upload) -> tuple[str, str]:
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None:
        raise ValidationError(
            _("Only PDF, Office, OpenDocument and image files (PNG, JPEG, GIF, WebP) are allowed.")
        )
    check_name(upload.name, kind[1])
    return kind
