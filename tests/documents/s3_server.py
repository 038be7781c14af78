"""A real S3-compatible server on loopback for the document store's tests (moto's server
mode: HTTP, signatures, paging, errors as S3 answers them).

Use it from a test module::

    from documents.s3_server import S3Server, s3_server  # noqa: F401 (the fixture)

    async def test_something(s3_server: S3Server, tmp_path):
        settings = s3_server.settings(Settings(data_dir=tmp_path), s3_server.new_bucket())

Every ``new_bucket()`` is empty and used by one test only; the server lives for the session.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from pdms_core.settings import Settings

REGION = "eu-west-2"
#: Made-up credentials; moto accepts any. The secret is long and odd so that a test can
#: search error messages and tracebacks for it.
ACCESS_KEY_ID = "AKIAPDMSTESTKEY00001"
SECRET_ACCESS_KEY = "pdms-test-secret-7fQz2LxW9kVbN3mR8tYc"
_BUCKETS = itertools.count(1)


@dataclass(frozen=True)
class S3Server:
    """Where the server listens, its credentials, and helpers to set up a bucket."""

    endpoint_url: str
    region: str = REGION
    access_key_id: str = ACCESS_KEY_ID
    secret_access_key: str = SECRET_ACCESS_KEY

    def client(self) -> Any:
        """A plain boto3 client, for setting up and looking behind the store's back."""
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def new_bucket(self) -> str:
        """A fresh, empty bucket's name."""
        name = f"pdms-test-documents-{next(_BUCKETS)}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region}
        )
        return name

    def settings(self, base: Settings, bucket: str, **changes: Any) -> Settings:
        """``base`` pointed at ``bucket`` on this server; ``changes`` win."""
        values = {
            "document_store": "s3",
            "s3_bucket": bucket,
            "s3_endpoint_url": self.endpoint_url,
            "s3_region": self.region,
            "s3_access_key_id": self.access_key_id,
            "s3_secret_access_key": self.secret_access_key,
        }
        return base.with_changes(**{**values, **changes})


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1 on a free port, for the whole test session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line a request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()
