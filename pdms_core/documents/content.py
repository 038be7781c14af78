"""What an uploaded file really is, and a safe name to keep it under.

The type comes from the bytes, never from the client: ``puremagic`` (pure Python, no
system library) reads the signature; ZIP-based Office files are confirmed by what the
archive holds (``[Content_Types].xml`` and ``word/``, or an OpenDocument ``mimetype``),
and older Office files by the stream names in their OLE directory, so a renamed ZIP is
not a .docx and an installer (.msi, also OLE) is not a .doc. Only the types a council
exchanges are accepted (:data:`FILE_TYPES`); programs and scripts are refused whatever
they are called, as are macro-enabled and password-protected Office files, files whose
name says one type and whose bytes another, empty files and anything unrecognised.

Messages say what was wrong in an officer's words and never repeat the file's content.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass

import puremagic

from pdms_core.errors import ValidationFailed


@dataclass(frozen=True)
class InspectedFile:
    """An upload that passed the checks."""

    #: Sanitised file name to store and offer on download, ending in an accepted extension.
    safe_name: str
    #: Detected from the bytes, e.g. ``application/pdf``.
    content_type: str
    #: Canonical extension of the detected type, e.g. ``pdf``, ``jpg``, ``docx``.
    extension: str
    #: Text files only: ``utf-8`` or ``windows-1252``, for a ``charset`` on download.
    charset: str | None = None
    #: The type in words, e.g. "a PDF document".
    label: str = ""


@dataclass(frozen=True)
class FileType:
    """One accepted type: its canonical extension, MIME type, words and file endings."""

    extension: str
    content_type: str
    label: str
    extensions: frozenset[str]


def _type(extension: str, content_type: str, label: str, *also: str) -> FileType:
    return FileType(extension, content_type, label, frozenset({extension, *also}))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
#: Every type PDMS stores, by canonical extension.
FILE_TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        _type("pdf", "application/pdf", "a PDF document"),
        _type("jpg", "image/jpeg", "a JPEG image", "jpeg", "jpe", "jfif"),
        _type("png", "image/png", "a PNG image"),
        _type("gif", "image/gif", "a GIF image"),
        _type("webp", "image/webp", "a WebP image"),
        _type("heic", "image/heic", "a HEIC photo", "heif"),
        _type("tif", "image/tiff", "a TIFF image", "tiff"),
        _type("docx", f"{_OOXML}.wordprocessingml.document", "a Word document"),
        _type("xlsx", f"{_OOXML}.spreadsheetml.sheet", "an Excel workbook"),
        _type("pptx", f"{_OOXML}.presentationml.presentation", "a PowerPoint presentation"),
        _type("odt", f"{_ODF}.text", "an OpenDocument text document"),
        _type("ods", f"{_ODF}.spreadsheet", "an OpenDocument spreadsheet"),
        _type("odp", f"{_ODF}.presentation", "an OpenDocument presentation"),
        _type("doc", "application/msword", "a Word 97-2003 document"),
        _type("xls", "application/vnd.ms-excel", "an Excel 97-2003 workbook"),
        _type("ppt", "application/vnd.ms-powerpoint", "a PowerPoint 97-2003 presentation"),
        _type("msg", "application/vnd.ms-outlook", "an Outlook message"),
        # Word has long saved RTF under .doc; it is still RTF, and harmless.
        _type("rtf", "application/rtf", "a rich text (RTF) document", "doc"),
        _type("eml", "message/rfc822", "an email message"),
        _type("txt", "text/plain", "a text file", "text", "log"),
        _type("csv", "text/csv", "a CSV file"),
    )
}
ACCEPTED = (
    "PDF; JPEG, PNG, GIF, WebP, HEIC and TIFF images; Word, Excel and PowerPoint "
    "(.docx, .xlsx, .pptx, and .doc, .xls, .ppt); OpenDocument (.odt, .ods, .odp); "
    "Outlook (.msg) and email (.eml) messages; RTF; plain text and CSV"
)
#: Endings of files that run as programs or scripts on a council's PCs or servers:
#: refused whatever the bytes, so nobody downloads "report.pdf.js" and opens it.
REFUSED_EXTENSIONS = _words(
    "exe com scr pif cpl dll sys drv ocx msi msp mst msc bat cmd ps1 psm1 psd1 ps1xml "
    "ps2 psc1 vbs vbe js jse mjs cjs wsf wsh wsc ws hta jar class sh bash zsh csh ksh "
    "command app apk deb rpm dmg pkg run elf so dylib lnk url scf reg inf gadget appx "
    "msix application xll xlam docm dotm xlsm xltm pptm potm ppsm sldm py pyc "
    "pyw pl rb php vb iso img vhd vhdx chm hlp svg html htm xhtml mht mhtml"
)
#: How program files start (a .exe renamed .pdf is still a program).
_PROGRAM_SIGNATURES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a Java or macOS program"),
    (b"dex\n", "an Android program"),
    (b"#!", "a script"),
)
_BATCH = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*@?echo\s+off\b", re.IGNORECASE)
#: puremagic matches that are programs (its endings and MIME types for them).
_PROGRAM_MATCHES = _words(
    "exe dll sys drv com scr pif ocx cpl olb ax msi lnk url jar class pack apk dex so "
    "elf sh awk wsgi reg sud appimage rpm udeb deb sis jad"
)
_PROGRAM_MIME = re.compile(r"executable|sharedlib|java|msdownload|x-sh\b|shellscript", re.I)
#: puremagic's MIME types for the signature-detected types we accept.
_MAGIC_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/tiff": "tif",
    "application/rtf": "rtf",
    "message/rfc822": "eml",
}
#: Types that are text underneath: a .txt that happens to start like an email is text.
_TEXTUAL = {"eml", "rtf"}
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_HEADER_LINE = re.compile(r"\A(?:\ufeff)?[!-9;-~]+:")


def inspect_upload(
    filename: str, content: bytes, declared_type: str | None = None
) -> InspectedFile:
    """Check an upload and name it safely; :class:`ValidationFailed` (``field="file"``)
    says what is wrong.

    ``declared_type`` (the client's Content-Type) is never trusted: browsers send
    ``application/octet-stream`` for half the files they upload, and an attacker sends
    whatever passes. The type comes from ``content`` alone.
    """
    del declared_type  # never trusted; kept in the signature so callers pass it along
    stem, ending = _split_name(filename)
    if not content:
        raise _refused("The file is empty.")
    program = _program(content)
    if program:
        raise _refused(
            f"This file is {program}. Programs and scripts cannot be stored, "
            "whatever the file is called."
        )
    if ending in REFUSED_EXTENSIONS:
        raise _refused(
            f"Files ending .{ending} can run as programs or scripts, so they cannot be stored."
        )
    found, charset = _detect(content, ending)
    if ending and ending not in found.extensions:
        raise _refused(
            f"The file's name ends .{ending} but the file is {found.label}. Rename it to "
            f"end .{found.extension}, or upload the file you meant to."
        )
    name = _safe_name(stem, ending or found.extension)
    return InspectedFile(name, found.content_type, found.extension, charset, found.label)


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def _unknown() -> ValidationFailed:
    return _refused(
        f"PDMS does not store this type of file, or cannot tell what it is. It accepts {ACCEPTED}."
    )


# --- programs ----------------------------------------------------------------------------


def _program(content: bytes) -> str | None:
    """In words, the kind of program ``content`` is, or None."""
    for signature, words in _PROGRAM_SIGNATURES:
        if content.startswith(signature):
            return words
    if _BATCH.match(content[:64]):
        return "a Windows batch script"
    return None


def _is_program(matches: list[puremagic.PureMagicWithConfidence]) -> bool:
    """Whether puremagic's best matches name a program (not asked of ZIP or OLE files,
    which it cannot tell apart from Java and installers: their contents are read)."""
    for match in matches:
        ending = match.extension.lstrip(".").lower()
        if ending in _PROGRAM_MATCHES or _PROGRAM_MIME.search(match.mime_type):
            return True
    return False


def _top_matches(content: bytes) -> list[puremagic.PureMagicWithConfidence]:
    """puremagic's most confident matches (several may tie), from the bytes alone: never
    given the file name, which it would trust when the bytes say nothing."""
    try:
        matches = puremagic.magic_string(content)
    except (puremagic.PureError, ValueError):
        return []
    best = matches[0].confidence
    return [match for match in matches if match.confidence == best]


# --- detection ---------------------------------------------------------------------------


def _detect(content: bytes, ending: str) -> tuple[FileType, str | None]:
    """The accepted type of ``content`` and, for text, its charset."""
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return FILE_TYPES[_zip_type(content)], None
    if content.startswith(_OLE_SIGNATURE):
        return FILE_TYPES[_ole_type(content)], None
    if _is_heif(content):
        return FILE_TYPES["heic"], None
    matches = _top_matches(content)
    if _is_program(matches):
        raise _refused("This file is a program or a shortcut to one, so it cannot be stored.")
    magic = _magic_type(content, matches)
    charset = _text_charset(content)
    text_ending = ending in FILE_TYPES["txt"].extensions or ending == "csv"
    if charset and text_ending and (magic is None or magic in _TEXTUAL):
        return FILE_TYPES["csv" if ending == "csv" else "txt"], charset
    if magic:
        return FILE_TYPES[magic], charset if magic in _TEXTUAL else None
    if charset and ending == "eml" and _HEADER_LINE.match(content[:200].decode(charset, "replace")):
        return FILE_TYPES["eml"], charset
    if charset and not ending:
        return FILE_TYPES["txt"], charset
    raise _unknown()


def _magic_type(content: bytes, matches: list[puremagic.PureMagicWithConfidence]) -> str | None:
    """The accepted type puremagic's best matches agree on, if any."""
    kinds = {_MAGIC_TYPES.get(match.mime_type) for match in matches} - {None}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    # puremagic files JPEG 2000 under image/jpeg too; a JPEG starts with its SOI marker.
    if kind == "jpg" and not content.startswith(b"\xff\xd8\xff"):
        return None
    return kind


_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def _is_heif(content: bytes) -> bool:
    """A HEIC/HEIF photo: an ISO media file whose ``ftyp`` box names a HEIF brand as its
    major or a compatible brand (puremagic knows some majors, not ``mif1``), and no AVIF
    (``avif`` is also ``mif1``-compatible, and not accepted)."""
    if content[4:8] != b"ftyp":
        return False
    size = int.from_bytes(content[0:4], "big")
    if not 16 <= size <= min(len(content), 4096):
        return False
    brands = {content[8:12]} | {content[i : i + 4] for i in range(16, size - 3, 4)}
    return bool(brands & _HEIF_BRANDS) and not brands & {b"avif", b"avis"}


def _text_charset(content: bytes) -> str | None:
    """``utf-8`` or ``windows-1252`` if ``content`` is text in it, else None: no NUL
    bytes, and no control characters but tab, line breaks, form feed and a DOS end mark."""
    if b"\x00" in content:
        return None
    for charset, codec in (("utf-8", "utf-8-sig"), ("windows-1252", "cp1252")):
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        return charset if not _CONTROL.search(text) else None
    return None


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


# --- ZIP-based documents -----------------------------------------------------------------

#: The main part's content type in ``[Content_Types].xml``, and the folder it lives in.
_OOXML_MAIN = {
    "docx": (f"{_OOXML}.wordprocessingml.document.main+xml", "word/"),
    "xlsx": (f"{_OOXML}.spreadsheetml.sheet.main+xml", "xl/"),
    "pptx": (f"{_OOXML}.presentationml.presentation.main+xml", "ppt/"),
}
_ODF_TYPES = {f"{_ODF}.text": "odt", f"{_ODF}.spreadsheet": "ods", f"{_ODF}.presentation": "odp"}
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    zlib.error,
)


def _zip_type(content: bytes) -> str:
    """``docx``/``xlsx``/``pptx``/``odt``/``ods``/``odp``, confirmed by the archive's
    parts (only names and two small parts are read, so a ZIP bomb costs nothing)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            kind = _office_kind(archive, names)
    except ValidationFailed:
        raise
    except _ZIP_ERRORS:
        raise _refused(
            "The file looks like a ZIP archive or an Office document but cannot be read: "
            "it may be damaged. Save it again and upload the new copy."
        ) from None
    if kind is None:
        raise _refused(
            "ZIP archives are not accepted. Upload the documents inside it one at a time."
        )
    return kind


def _office_kind(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    lowered = [name.lower() for name in names]
    if any(name.endswith(".class") for name in lowered) or "meta-inf/manifest.mf" in lowered:
        raise _refused("This file is a Java program. Programs cannot be stored.")
    if "classes.dex" in lowered or "androidmanifest.xml" in lowered:
        raise _refused("This file is an Android app. Programs cannot be stored.")
    if "[Content_Types].xml" in names:
        types = _read_part(archive, "[Content_Types].xml", 1_000_000)
        if "macroenabled" in types.lower() or any(
            name.endswith("vbaproject.bin") for name in lowered
        ):
            raise _macros()
        for kind, (main_type, folder) in _OOXML_MAIN.items():
            if main_type in types and any(name.startswith(folder) for name in names):
                return kind
        return None
    if "mimetype" in names:
        kind = _ODF_TYPES.get(_read_part(archive, "mimetype", 200).strip())
        if kind and any(name.startswith(("Basic/", "Scripts/")) for name in names):
            raise _macros()
        return kind
    return None


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> str:
    with archive.open(name) as part:
        return part.read(limit).decode("utf-8", "replace")


def _macros() -> ValidationFailed:
    return _refused(
        "This document contains macros, which can run as programs, so it cannot be stored. "
        "Save a copy without macros (for example as .docx or .xlsx) and upload that."
    )


# --- older Office files (OLE compound files) ---------------------------------------------

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INSTALLERS = {
    uuid.UUID(f"000c10{code}-0000-0000-c000-000000000046").bytes_le for code in ("84", "86", "82")
}
_OLE_STREAMS = (
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("PowerPoint Document", "ppt"),
)
_MACRO_STORAGES = {"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT"}
_END = 0xFFFFFFFA  # sector numbers from here up end a chain or mark special sectors


def _ole_type(content: bytes) -> str:
    """``doc``/``xls``/``ppt``/``msg`` by the streams the compound file holds."""
    try:
        root_class, names = _ole_directory(content)
    except (struct.error, IndexError, ValueError):
        raise _refused(
            "The file looks like an older Office file but cannot be read: it may be "
            "damaged. Save it again and upload the new copy."
        ) from None
    if root_class in _INSTALLERS:
        raise _refused("This file is a Windows installer. Programs cannot be stored.")
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise _refused(
            "This document is protected by a password, so PDMS cannot check it. "
            "Remove the password and upload it again."
        )
    if names & _MACRO_STORAGES:
        raise _macros()
    if any(name.startswith(("__substg1.0_", "__properties_version1.0")) for name in names):
        return "msg"
    for stream, kind in _OLE_STREAMS:
        if stream in names:
            return kind
    raise _unknown()


def _ole_directory(content: bytes) -> tuple[bytes, set[str]]:
    """The root entry's class id and every entry's name, read from the compound file's
    header, FAT and directory sectors ([MS-CFB]); never the streams themselves."""
    byte_order, shift = struct.unpack_from("<HH", content, 0x1C)
    if byte_order != 0xFFFE or shift not in (9, 12):
        raise ValueError("not a compound file")
    size = 1 << shift
    per_sector = size // 4
    limit = len(content) // size + 1
    fat_count, first_directory = struct.unpack_from("<II", content, 0x2C)
    next_difat = struct.unpack_from("<I", content, 0x44)[0]
    difat = list(struct.unpack_from("<109I", content, 0x4C))
    for _ in range(limit):
        if next_difat >= _END:
            break
        entries = struct.unpack_from(f"<{per_sector}I", content, (next_difat + 1) * size)
        difat.extend(entries[:-1])
        next_difat = entries[-1]
    fat: list[int] = []
    for sector in [s for s in difat if s < _END][:fat_count]:
        fat.extend(struct.unpack_from(f"<{per_sector}I", content, (sector + 1) * size))
    root_class, names = b"", set()
    sector, seen = first_directory, set()
    while sector < _END:
        if sector in seen or len(seen) > limit:
            raise ValueError("directory chain loops")
        seen.add(sector)
        for offset in range((sector + 1) * size, (sector + 2) * size, 128):
            entry = content[offset : offset + 128]
            if len(entry) < 128:
                raise ValueError("directory cut short")
            length, kind = struct.unpack_from("<HB", entry, 0x40)
            if kind == 0:
                continue
            names.add(entry[: max(0, min(length, 64) - 2)].decode("utf-16-le", "replace"))
            if kind == 5:
                root_class = entry[0x50:0x60]
        sector = fat[sector]
    return root_class, names


# --- file names ---------------------------------------------------------------------------

MAX_NAME_CHARS = 150
MAX_NAME_BYTES = 240
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')


def _split_name(filename: str) -> tuple[str, str]:
    """The cleaned stem and lower-case ending of a client's file name ('' for none)."""
    text = unicodedata.normalize("NFC", filename or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]  # no directories, Windows' or Unix's
    # Tabs and line breaks (Unicode's too) become spaces; other controls, format
    # characters (right-to-left overrides that disguise an ending, zero-width spaces) and
    # stray surrogates go.
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = " ".join(_WINDOWS_FORBIDDEN.sub("_", text).split()).rstrip(". ")
    stem, dot, ending = text.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(ending.lower()):
        return text, ""
    return stem, ending.lower()


def _safe_name(stem: str, ending: str) -> str:
    """``stem.ending`` that every file system and browser takes: no leading dots (hidden
    files), no trailing dots or spaces, no reserved Windows device name, not too long."""
    stem = stem.lstrip(". ").rstrip(". ")
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED_NAMES:
        stem = f"_{stem}"
    room = MAX_NAME_CHARS - len(ending) - 1
    stem = stem[:room]
    while len(f"{stem}.{ending}".encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(". ")
    return f"{stem or 'document'}.{ending}"
