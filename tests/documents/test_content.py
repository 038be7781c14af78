"""Uploads are what their bytes say: each accepted type built for real here, programs and
scripts refused whatever their name, mismatches and unknowns refused, names made safe."""

from __future__ import annotations

import io
import struct
import uuid
import zipfile
import zlib

import docx
import pytest
import xlsxwriter

from pdms_core.documents.content import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    InspectedFile,
    inspect_upload,
)
from pdms_core.errors import ErrorCode, ValidationFailed

#: Put in the content of refused files: no message may repeat it.
MARKER = "ZEBRA-7731-CONTENT"

# --- real files, built here ---------------------------------------------------------------


def pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png() -> bytes:
    """A 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A JPEG's start of image, JFIF header and end of image markers."""
    app0 = b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def webp() -> bytes:
    """A RIFF container holding a lossless WebP bitstream for a 1x1 image."""
    bitstream = b"\x2f\x00\x00\x00\x00\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
    chunk = b"VP8L" + struct.pack("<I", len(bitstream)) + bitstream
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def tiff() -> bytes:
    """A 1x1 grey uncompressed TIFF (little-endian)."""
    entries = [
        (256, 3, 1, 1),  # width
        (257, 3, 1, 1),  # height
        (258, 3, 1, 8),  # bits per sample
        (259, 3, 1, 1),  # no compression
        (262, 3, 1, 1),  # black is zero
        (273, 4, 1, 8 + 2 + 8 * 12 + 4),  # strip offset: just after the IFD
        (278, 3, 1, 1),  # rows per strip
        (279, 4, 1, 1),  # strip byte count
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, count, value) for tag, kind, count, value in entries
    )
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x80"


def heic(major: bytes = b"heic", compatible: bytes = b"mif1heic") -> bytes:
    """An ISO media file whose brand is HEIC, as a phone writes it (then its meta box)."""
    ftyp = b"ftyp" + major + b"\x00\x00\x00\x00" + compatible
    meta = b"meta" + b"\x00" * 4
    return struct.pack(">I", 4 + len(ftyp)) + ftyp + struct.pack(">I", 4 + len(meta)) + meta


def word() -> bytes:
    document = docx.Document()
    document.add_heading("Notice of visit", level=1)
    document.add_paragraph("A gas safety check is due at 12 Example Road.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def excel() -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Arrears")
    sheet.write_row(0, 0, ["Account", "Balance"])
    sheet.write_row(1, 0, ["RA-0001", 312.5])
    workbook.close()
    return out.getvalue()


def zipped(parts: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, parts[stored_first], zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != stored_first:
                archive.writestr(name, data)
    return out.getvalue()


def powerpoint() -> bytes:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return zipped(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                'package/2006/content-types"><Override PartName="/ppt/presentation.xml" '
                f'ContentType="{main}"/></Types>'
            ),
            "_rels/.rels": "<Relationships/>",
            "ppt/presentation.xml": "<p:presentation/>",
        }
    )


def open_document(kind: str) -> bytes:
    return zipped(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}",
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
        },
        stored_first="mimetype",
    )


def compound_file(*entries: tuple[str, int], root_class: bytes = bytes(16)) -> bytes:
    """An OLE compound file ([MS-CFB], version 3) whose directory names ``entries``
    ((name, 1 for a storage or 2 for a stream)) under its root: the container of .doc,
    .xls, .ppt, .msg and .msi files."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    rows = [("Root Entry", 5, root_class), *((n, t, bytes(16)) for n, t in entries)]
    directory_sectors = -(-len(rows) // 4)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    chain = [*range(2, directory_sectors + 1), end]
    fat = [fat_sector, *chain] + [free] * (128 - 1 - len(chain))
    directory = bytearray()
    for name, kind, class_id in rows:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", entry, 0x44, free, free, free)
        entry[0x50:0x60] = class_id
        struct.pack_into("<I", entry, 0x74, end)
        directory += entry
    directory += bytes(directory_sectors * 512 - len(directory))
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory)


def windows_program() -> bytes:
    """A PE file's DOS header pointing at its PE signature and COFF header."""
    dos = bytearray(0x40)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x40)
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 0xF0, 0x22)
    return bytes(dos) + b"PE\x00\x00" + coff + MARKER.encode() + bytes(200)


STREAM, STORAGE = 2, 1
MSI_CLASS = uuid.UUID("000c1084-0000-0000-c000-000000000046").bytes_le


# --- accepted ------------------------------------------------------------------------------

ACCEPTED = [
    ("Gas safety certificate.pdf", pdf, "application/pdf", "pdf"),
    ("photo.png", png, "image/png", "png"),
    ("photo.JPEG", jpeg, "image/jpeg", "jpg"),
    ("fly-tipping.jpg", jpeg, "image/jpeg", "jpg"),
    ("map.gif", lambda: GIF, "image/gif", "gif"),
    ("damp.webp", webp, "image/webp", "webp"),
    ("IMG_0412.HEIC", heic, "image/heic", "heic"),
    ("camera.heif", lambda: heic(b"mif1", b"mif1heic"), "image/heic", "heic"),
    ("plan.tif", tiff, "image/tiff", "tif"),
    (
        "letter.docx",
        word,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "arrears.xlsx",
        excel,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "briefing.pptx",
        powerpoint,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    (
        "minutes.odt",
        lambda: open_document("text"),
        "application/vnd.oasis.opendocument.text",
        "odt",
    ),
    (
        "budget.ods",
        lambda: open_document("spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
    ),
    (
        "old letter.doc",
        lambda: compound_file(("WordDocument", STREAM), ("1Table", STREAM)),
        "application/msword",
        "doc",
    ),
    (
        "rent 2009.xls",
        lambda: compound_file(("Workbook", STREAM)),
        "application/vnd.ms-excel",
        "xls",
    ),
    (
        "complaint.msg",
        lambda: compound_file(("__properties_version1.0", STREAM), ("__substg1.0_0037001F", 2)),
        "application/vnd.ms-outlook",
        "msg",
    ),
    (
        "note.rtf",
        lambda: rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Arial;}}\f0 Visit booked.}",
        "application/rtf",
        "rtf",
    ),
    (
        "enquiry.eml",
        lambda: (
            b"From: resident@example.invalid\r\nTo: housing@council.invalid\r\n"
            b"Subject: Repairs\r\n\r\nThe boiler is broken.\r\n"
        ),
        "message/rfc822",
        "eml",
    ),
    ("notes.txt", lambda: b"Visited 3 May: no answer.\n", "text/plain", "txt"),
    ("caseload.csv", lambda: b"account,balance\nRA-0001,312.50\n", "text/csv", "csv"),
]


@pytest.mark.parametrize(("name", "build", "content_type", "extension"), ACCEPTED)
def test_each_accepted_type_is_detected_from_its_bytes(name, build, content_type, extension):
    inspected = inspect_upload(name, build(), "application/octet-stream")

    assert inspected.content_type == content_type
    assert inspected.extension == extension
    assert inspected.safe_name.rsplit(".", 1)[0] == name.rsplit(".", 1)[0]
    assert inspected.safe_name.rsplit(".", 1)[1] == name.rsplit(".", 1)[1].lower()


def test_a_file_without_an_ending_gets_its_types_ending():
    assert inspect_upload("scan", pdf()).safe_name == "scan.pdf"
    assert inspect_upload("readme", b"Plain words.\n").safe_name == "readme.txt"


@pytest.mark.parametrize(
    ("content", "charset"),
    [
        ("Rent due: £12.50 — café\n".encode(), "utf-8"),
        ("\ufeffRent due: £12.50\n".encode(), "utf-8"),
        ("Rent due: £12.50 — café\n".encode("cp1252"), "windows-1252"),
    ],
)
def test_text_is_utf8_or_windows_1252(content, charset):
    inspected = inspect_upload("arrears.csv", content)

    assert (inspected.content_type, inspected.charset) == ("text/csv", charset)


def test_text_that_starts_like_another_text_type_is_text_when_named_so():
    """An email pasted into notes.txt, an RTF saved as .txt, a web page saved as .txt: all
    stored as plain text, which is how they are served."""
    for content in (b"From: a@example.invalid\r\n\r\nHello", rb"{\rtf1 hi}", b"<html>x</html>"):
        assert inspect_upload("notes.txt", content).content_type == "text/plain"


def test_rtf_under_word_s_old_ending_is_rtf():
    inspected = inspect_upload("letter.doc", rb"{\rtf1\ansi Dear resident}")

    assert (inspected.content_type, inspected.safe_name) == ("application/rtf", "letter.doc")


def test_the_declared_type_is_never_trusted():
    assert inspect_upload("report.pdf", pdf(), "image/png").content_type == "application/pdf"
    with pytest.raises(ValidationFailed, match="Windows program"):
        inspect_upload("report.pdf", windows_program(), "application/pdf")


# --- refused -------------------------------------------------------------------------------

REFUSED = [
    ("invoice.pdf", windows_program(), "This file is a Windows program"),
    ("invoice.exe", windows_program(), "This file is a Windows program"),
    ("photo.jpg", b"\x7fELF\x02\x01\x01\x00" + bytes(8) + MARKER.encode(), "a Linux program"),
    ("tool.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + MARKER.encode(), "a macOS program"),
    ("Main.txt", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + MARKER.encode(), "a Java or macOS program"),
    ("notes.txt", f"#!/bin/sh\necho {MARKER}\n".encode(), "This file is a script"),
    ("notes.txt", f"@echo off\r\necho {MARKER}\r\n".encode(), "a Windows batch script"),
    ("notes.ps1", f"Write-Host {MARKER}".encode(), "Files ending .ps1 can run"),
    ("notes.js", f"alert('{MARKER}')".encode(), "Files ending .js can run"),
    ("notes.vbs", f'MsgBox "{MARKER}"'.encode(), "Files ending .vbs can run"),
    ("page.hta", f"<html>{MARKER}</html>".encode(), "Files ending .hta can run"),
    ("report.pdf.bat", pdf(), "Files ending .bat can run"),
    (
        "shortcut.pdf",
        b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F"
        + MARKER.encode(),
        "a program or a shortcut",
    ),
    (
        "setup.doc",
        compound_file(("WordDocument", STREAM), root_class=MSI_CLASS),
        "a Windows installer",
    ),
    (
        "app.docx",
        zipped({"META-INF/MANIFEST.MF": "Main-Class: App\n", "App.class": MARKER}),
        "a Java program",
    ),
    ("letter.docx", zipped({"letter.txt": MARKER, "readme.txt": "x"}), "ZIP archives are not"),
    ("bundle.zip", zipped({"letter.pdf": MARKER}), "ZIP archives are not"),
    ("photo.pdf", png(), "name ends .pdf but the file is a PNG image. Rename it to end .png"),
    ("arrears.docx", excel(), "name ends .docx but the file is an Excel workbook"),
    ("letter.pdf", word(), "name ends .pdf but the file is a Word document"),
    ("report.pdf", b"", "The file is empty"),
    ("data.bin", bytes(range(256)) + MARKER.encode(), "does not store this type of file"),
    ("notes.txt", bytes(range(1, 32)) + MARKER.encode(), "does not store this type of file"),
    ("notes.txt", MARKER.encode("utf-16"), "does not store this type of file"),
    ("page.html", f"<html>{MARKER}</html>".encode(), "Files ending .html can run"),
    ("drawing.svg", f"<svg>{MARKER}</svg>".encode(), "Files ending .svg can run"),
    ("photo.heic", heic(b"avif", b"mif1avif"), "does not store this type of file"),
    ("clip.heic", heic(b"isom", b"isomiso2mp41"), "does not store this type of file"),
    ("song.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + MARKER.encode(), "does not store"),
    ("letter.docx", b"PK\x03\x04" + MARKER.encode() + bytes(40), "cannot be read"),
    ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + MARKER.encode(), "cannot be read"),
    (
        "budget.xls",
        compound_file(("EncryptionInfo", STREAM), ("EncryptedPackage", STREAM)),
        "protected by a password",
    ),
    (
        "letter.doc",
        compound_file(("WordDocument", STREAM), ("Macros", STORAGE), ("VBA", STORAGE)),
        "contains macros",
    ),
    (
        "unknown.doc",
        compound_file(("Contents", STREAM)),
        "does not store this type of file",
    ),
]


@pytest.mark.parametrize(("name", "content", "said"), REFUSED)
def test_refused_files_say_why_in_plain_words_without_their_content(name, content, said):
    with pytest.raises(ValidationFailed) as caught:
        inspect_upload(name, content, "application/pdf")

    error = caught.value
    assert said in error.message
    assert (error.field, error.code) == ("file", ErrorCode.VALIDATION)
    assert MARKER not in error.message


def test_a_macro_enabled_word_file_is_refused_even_named_docx():
    parts = {}
    with zipfile.ZipFile(io.BytesIO(word())) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts["word/vbaProject.bin"] = MARKER.encode()

    with pytest.raises(ValidationFailed, match="contains macros"):
        inspect_upload("letter.docx", zipped(parts))


def test_the_unknown_type_message_lists_what_is_accepted():
    with pytest.raises(ValidationFailed) as caught:
        inspect_upload("data.bin", bytes(range(256)))

    assert "PDF" in caught.value.message and "CSV" in caught.value.message


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\con.pdf", "_con.pdf"),
        ("..\\..\\Windows\\System32\\AUX.pdf", "_AUX.pdf"),
        ("lpt1.tar.pdf", "_lpt1.tar.pdf"),
        ("con .pdf", "_con.pdf"),
        ("console.pdf", "console.pdf"),
        ("in\x00voice\r\n\x1b[31m.pdf", "invoice [31m.pdf"),
        ("photo\u202egnp.pdf", "photognp.pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...pdf", "document.pdf"),
        ("   .pdf", "document.pdf"),
        ("report.pdf.", "report.pdf"),
        ("report.pdf  ", "report.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("two   spaces\tand tab.pdf", "two spaces and tab.pdf"),
        ("Cafe\u0301 menu.pdf", "Caf\u00e9 menu.pdf"),
        ("REPORT.PDF", "REPORT.pdf"),
        ("", "document.pdf"),
        ("folder/", "document.pdf"),
        ("notes.final version", "notes.final version.pdf"),
    ],
)
def test_file_names_are_made_safe(given, safe):
    assert inspect_upload(given, pdf()).safe_name == safe


def test_the_passwd_path_as_text_keeps_only_its_name():
    inspected = inspect_upload("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")

    assert inspected.safe_name == "passwd.txt"


@pytest.mark.parametrize("stem", ["x" * 300, "é" * 300, "日本語" * 100, "😀" * 300])
def test_long_names_are_cut_keeping_the_ending(stem):
    inspected = inspect_upload(f"{stem}.pdf", pdf())

    assert inspected.safe_name.endswith(".pdf")
    assert len(inspected.safe_name) <= MAX_NAME_CHARS
    assert len(inspected.safe_name.encode()) <= MAX_NAME_BYTES
    assert inspected.safe_name[:-4] == stem[: len(inspected.safe_name) - 4]


def test_the_result_is_the_documented_record():
    inspected = inspect_upload("letter.pdf", pdf())

    assert inspected == InspectedFile(
        safe_name="letter.pdf",
        content_type="application/pdf",
        extension="pdf",
        charset=None,
        label="a PDF document",
    )
