"""PDF letters through LibreOffice, where the server has it.

``soffice --headless --convert-to pdf`` runs in a fresh temporary folder with its own
LibreOffice profile (two conversions at once would otherwise fight over the user's
profile), and is stopped after ``PDMS_LETTER_CONVERTER_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from pdms_core.errors import NotAllowed
from pdms_core.settings import Settings

NEEDS_LIBREOFFICE = (
    "PDF letters need LibreOffice on the server (soffice or libreoffice on its PATH, or "
    "PDMS_LETTER_CONVERTER naming it); generate a Word letter instead."
)


def find_converter(settings: Settings) -> str | None:
    """The LibreOffice program to run: the setting's, else one on PATH; None if absent."""
    if settings.letter_converter:
        return shutil.which(settings.letter_converter)
    return shutil.which("soffice") or shutil.which("libreoffice")


async def docx_to_pdf(content: bytes, settings: Settings) -> bytes:
    """The PDF of a Word document; NOT_ALLOWED (on ``format``) when it cannot be made."""
    program = find_converter(settings)
    if program is None:
        raise NotAllowed(NEEDS_LIBREOFFICE, field="format")
    with tempfile.TemporaryDirectory(prefix="pdms-letter-") as folder:
        work = Path(folder)
        (work / "letter.docx").write_bytes(content)
        process = await asyncio.create_subprocess_exec(
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(work / "letter.docx"),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=work,
        )
        try:
            await asyncio.wait_for(process.wait(), settings.letter_converter_timeout_seconds)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise NotAllowed(
                f"LibreOffice did not finish the PDF within "
                f"{settings.letter_converter_timeout_seconds} seconds; try again, or "
                "generate a Word letter.",
                field="format",
            ) from None
        result = work / "letter.pdf"
        if process.returncode != 0 or not result.is_file():
            raise NotAllowed(
                f"LibreOffice could not convert the letter to PDF (exit status "
                f"{process.returncode}); generate a Word letter instead.",
                field="format",
            )
        return result.read_bytes()
