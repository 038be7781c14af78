"""Template files live in the document store beside documents' files: the orphan
clean-up keeps them, and takes a replaced template's old file."""

from __future__ import annotations

import asyncio
import json
import os
import time

from click.testing import CliRunner

from pdms_core.app import create_app
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.documents.storage import document_store
from pdms_core.host import PluginHost
from pdms_core.testing.client import GraphQLClient
from tests.letters.conftest import MANAGER
from tests.letters.letters_support import upload, word_file

REPLACE = """
mutation($input: ReplaceLetterTemplateInput!) {
  replaceLetterTemplate(input: $input) { template { version } errors { message } }
}
"""


def _aged(settings) -> None:
    """Make every object in the local store look written two hours ago (the cleanup
    leaves objects younger than an hour)."""
    past = time.time() - 2 * 3600
    for path in (settings.data_dir / "documents").rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def _orphans(host, *args: str) -> list[str]:
    result = CliRunner().invoke(build_cli(CliState.for_host(host)), ["documents", "orphans", *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


async def test_template_files_are_not_orphans_until_replaced(
    pdms_host, synced, pdms_test_actors, tmp_path
):
    # given a store of this test's own, holding one template's file
    settings = pdms_host.settings.with_changes(data_dir=tmp_path)
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    client = GraphQLClient(create_app(host=host, database=synced), pdms_test_actors)
    manager = client.as_actor(MANAGER)
    template = (await upload(manager, "core.person_letter", "General", word_file(["{{ today }}"])))[
        "template"
    ]
    store = document_store(settings)
    first_keys = {item.key async for item in store.objects()}
    assert len(first_keys) == 1

    # when the clean-up runs, then it keeps the template's file
    _aged(settings)
    kept = await asyncio.to_thread(_orphans, host, "--older-than-hours", "1", "--delete")
    assert kept[-1] == "0 orphaned object(s) deleted."
    assert {item.key async for item in store.objects()} == first_keys

    # and once the template is replaced, the old file is an orphan and goes
    replaced = await manager.post(
        data={
            "operations": json.dumps(
                {
                    "query": REPLACE,
                    "variables": {
                        "input": {"id": template["id"], "expectedVersion": 1, "file": None}
                    },
                }
            ),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("new.docx", word_file(["{{ full_name }}"]), "application/octet-stream")},
    )
    assert replaced.json()["data"]["replaceLetterTemplate"]["errors"] == []
    _aged(settings)
    taken = await asyncio.to_thread(_orphans, host, "--older-than-hours", "1", "--delete")
    assert taken[0].startswith(next(iter(first_keys)))
    assert taken[-1] == "1 orphaned object(s) deleted."
    remaining = {item.key async for item in store.objects()}
    assert len(remaining) == 1 and remaining != first_keys
    pdms_test_actors.reset()
