"""Root field for contractor returns: preview or import a file of completed certificates."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry
from pdms_core.plugin import (
    UserErrorType,
    ValidationFailed,
    described,
    mutation_field,
    run_mutation,
)
from strawberry.file_uploads import Upload
from strawberry.types import Info

from pdms_gas_electric.permissions import IMPORT
from pdms_gas_electric.returns import import_return


@strawberry.input(description="A contractor's return of completed gas checks and EICRs.")
class GasElectricImportReturnInput:
    file_name: str = strawberry.field(description="The file's name (.xlsx or .csv).")
    file: Upload | None = strawberry.field(
        default=None, description="The file, uploaded as a part of a multipart request."
    )
    content_base64: str | None = strawberry.field(
        default=None, description="Or the file's bytes, base64-encoded."
    )
    preview: bool = strawberry.field(
        default=False, description="Check every row and count, but store nothing."
    )


@strawberry.type(description="A problem with one cell of a return.")
class GasElectricReturnRowError:
    row: int = strawberry.field(description="The spreadsheet row (the header is row 1).")
    column: str = strawberry.field(description="The column at fault.")
    message: str = strawberry.field(description="What is wrong, in words a person can act on.")


@strawberry.type(description="What a return holds, and whether it was stored (all or none).")
class GasElectricReturnResult:
    preview: bool = strawberry.field(description="Nothing was stored: a preview.")
    imported: bool = strawberry.field(description="The new certificates were stored.")
    rows: int = strawberry.field(description="Data rows in the file.")
    gas_checks: int = strawberry.field(description="New gas safety records (to be) stored.")
    eicrs: int = strawberry.field(description="New EICRs (to be) stored.")
    already_imported: int = strawberry.field(
        description="Rows whose certificate is already recorded for its home (left alone)."
    )
    row_errors: list[GasElectricReturnRowError] = strawberry.field(
        description="Every problem found; any at all and nothing is stored."
    )


@strawberry.type(description="Result of importing a contractor's return.")
class GasElectricImportReturnPayload:
    result: GasElectricReturnResult | None = strawberry.field(
        description="The outcome; null when the file itself was refused."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why the file was refused.")


async def _content(input: GasElectricImportReturnInput) -> bytes:
    if (input.file is None) == (input.content_base64 is None):
        raise ValidationFailed(
            "Send the file once: as a multipart upload (file) or base64 (contentBase64).",
            field="file",
        )
    if input.file is not None:
        return await input.file.read()
    try:
        return base64.b64decode(input.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("The file content is not base64.", field="contentBase64") from None


@strawberry.type
class GasElectricReturnsMutation:
    @mutation_field(
        description="Import (or preview) a contractor's return of completed gas checks and "
        "EICRs, matched to homes by UPRN or property reference: all rows or none, one error "
        "per problem; certificates already recorded are left alone.",
        permission=IMPORT,
    )
    async def gas_electric_import_return(
        self,
        info: Info,
        input: Annotated[GasElectricImportReturnInput, described("The return.")],
    ) -> GasElectricImportReturnPayload:
        settings = info.context.host.plugin("gas_electric").settings

        async def action(session):  # type: ignore[no-untyped-def]
            return await import_return(
                session,
                info.context.actor,
                content=await _content(input),
                file_name=input.file_name,
                max_bytes=settings.max_return_bytes,
                preview=input.preview,
            )

        outcome, errors = await run_mutation(info, action)
        if outcome is None:
            return GasElectricImportReturnPayload(result=None, errors=errors)
        return GasElectricImportReturnPayload(
            result=GasElectricReturnResult(
                preview=outcome.preview,
                imported=outcome.imported,
                rows=outcome.rows,
                gas_checks=outcome.gas_checks,
                eicrs=outcome.eicrs,
                already_imported=outcome.already_imported,
                row_errors=[
                    GasElectricReturnRowError(row=e.row, column=e.column, message=e.message)
                    for e in outcome.row_errors
                ],
            ),
            errors=[],
        )
