"""The local Notify is strict where Notify is: it refuses tokens that Notify would, in
Notify's error shape, so the sender's tests prove something about the real client."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError


def _token(server, *, iss=None, iat=None, key=None, algorithm="HS256") -> str:
    claims = {"iss": iss or server.service_id, "iat": int(time.time()) if iat is None else iat}
    return jwt.encode(claims, key or server.secret, algorithm=algorithm)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("stale", "Error: Your system clock must be accurate to within 30 seconds"),
        ("other service", "Invalid token: service not found"),
        ("wrong secret", "Invalid token: API key not found"),
        ("HS512", "Invalid token: algorithm used is not HS256"),
        ("none", "Unauthorized: authentication token must be provided"),
    ],
)
def test_bad_tokens_are_refused_in_notifys_error_shape(notify, case, message):
    tokens = {
        "stale": _token(notify, iat=int(time.time()) - 120),
        "other service": _token(notify, iss=str(uuid.uuid4())),
        "wrong secret": _token(notify, key=str(uuid.uuid4())),
        "HS512": _token(notify, algorithm="HS512"),
    }
    headers = {"Authorization": f"Bearer {tokens[case]}"} if case in tokens else {}
    answer = httpx.get(f"{notify.base_url}/v2/notifications", headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {
        "status_code": 403,
        "errors": [{"error": "AuthError", "message": message}],
    }
    good = httpx.get(
        f"{notify.base_url}/v2/notifications",
        headers={"Authorization": f"Bearer {_token(notify)}"},
    )
    assert good.status_code == 200 and good.json()["notifications"] == []


def test_the_official_client_sends_reads_and_is_told_what_is_wrong(notify):
    client = NotificationsAPIClient(notify.api_key, base_url=notify.base_url)
    template = notify.template("sms", "Hello ((name))")
    sent = client.send_sms_notification("07700900123", template, {"name": "Ada"}, "ref-1")
    assert sent["content"]["body"] == "Hello Ada" and sent["reference"] == "ref-1"
    assert client.get_notification_by_id(sent["id"])["status"] == "created"
    listed = client.get_all_notifications(reference="ref-1")["notifications"]
    assert [n["id"] for n in listed] == [sent["id"]]
    assert client.get_all_notifications(reference="ref-2")["notifications"] == []
    for call, status, text in (
        (lambda: client.send_sms_notification("07700900123", template), 400, "Missing"),
        (
            lambda: client.send_sms_notification("01632960123", template, {"name": "A"}),
            400,
            "Not a UK mobile number",
        ),
        (
            lambda: client.send_email_notification("a@example.invalid", template),
            400,
            "not suitable",
        ),
        (lambda: client.get_notification_by_id(str(uuid.uuid4())), 404, "No result found"),
    ):
        with pytest.raises(HTTPError) as refused:
            call()
        assert refused.value.status_code == status
        assert text in str(refused.value.message)
