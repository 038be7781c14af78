"""A local GOV.UK Notify for tests: a real HTTP server on loopback speaking the parts of
Notify's API v2 that the official Python client uses, so that client runs unchanged.

- ``POST /v2/notifications/email|sms|letter``: 201 with Notify's answer (``id``,
  ``reference``, ``content``, ``template``, ``uri``), after checking the template (known,
  of the right type), its required personalisation (the ((placeholders)) of its subject
  and body), and the recipient (an email address; a UK mobile; at least 3 address lines
  with a postcode last).
- ``GET /v2/notifications/{id}``, ``GET /v2/notifications?reference=&status=&template_type=``.
- Every request must carry ``Authorization: Bearer <JWT>``, verified here independently
  of the client: HS256, signed with the key's secret, ``iss`` the service id, ``iat``
  within 30 seconds. Failures answer Notify's error shape, ``{"status_code": 403,
  "errors": [{"error": "AuthError", "message": ...}]}``.

Tests can make it fail the next requests (``fail_next``), accept a notification but
lose the answer (``lose_next_answers``, the crash window), and set a notification's
delivery status (``set_status``). ``received`` lists what it accepted; ``requests``
every request, as (method, path).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt

PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ERROR_MESSAGES = {
    500: ("Exception", "Internal server error"),
    503: ("Exception", "Service unavailable"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
}


@dataclass
class Template:
    id: str
    type: str  # email, sms, letter
    body: str
    subject: str = ""

    def required(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.subject + self.body))


@dataclass
class NotifyServer:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    templates: dict[str, Template] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    _failures: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    _lose: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def api_key(self) -> str:
        return f"pdms_test-{self.service_id}-{self.secret}"

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def template(self, type_: str, body: str, subject: str = "") -> str:
        template = Template(str(uuid.uuid4()), type_, body, subject)
        self.templates[template.id] = template
        return template.id

    def fail_next(self, count: int, status: int, methods: tuple[str, ...] = ("POST",)) -> None:
        """Answer the next ``count`` requests of ``methods`` with ``status``."""
        with self._lock:
            self._failures.extend([(status, methods)] * count)

    def lose_next_answers(self, count: int) -> None:
        """Accept the next ``count`` notifications, then answer 502 as though the
        answer were lost on the way back (the sender cannot know they went)."""
        with self._lock:
            self._lose += count

    def set_status(self, notification_id: str, status: str) -> None:
        with self._lock:
            for notification in self.received:
                if notification["id"] == notification_id:
                    notification["status"] = status
                    notification["completed_at"] = _now()

    def start(self) -> NotifyServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    # -- handling -------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        with self._lock:
            self.requests.append((method, url.path))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        auth_error = self._auth_error(handler.headers.get("Authorization", ""))
        if auth_error:
            return _answer(handler, 403, _errors(403, "AuthError", auth_error))
        failure = self._take_failure(method)
        if failure:
            error, message = ERROR_MESSAGES.get(failure, ("Exception", "Error"))
            return _answer(handler, failure, _errors(failure, error, message))
        if method == "POST":
            match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", url.path)
            if not match:
                return _answer(handler, 404, _errors(404, "NotFound", "Not found"))
            try:
                data = json.loads(raw or b"{}")
            except ValueError:
                return _answer(handler, 400, _errors(400, "BadRequestError", "Invalid JSON"))
            return self._post(handler, match.group(1), data)
        return self._get(handler, url.path, parse_qs(url.query))

    def _auth_error(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header[len("Bearer ") :]
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            header_fields = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return "Invalid token: signature, api token not found"
        if header_fields.get("alg") != "HS256":
            return "Invalid token: algorithm used is not HS256"
        if unverified.get("iss") != self.service_id:
            return "Invalid token: service not found"
        try:
            claims = jwt.decode(token, key=self.secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return "Invalid token: API key not found"
        iat = claims.get("iat")
        if not isinstance(iat, int) or abs(time.time() - iat) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def _take_failure(self, method: str) -> int | None:
        with self._lock:
            for index, (status, methods) in enumerate(self._failures):
                if method in methods:
                    del self._failures[index]
                    return status
        return None

    def _post(self, handler: BaseHTTPRequestHandler, kind: str, data: dict) -> None:
        template = self.templates.get(str(data.get("template_id")))
        if template is None:
            return _answer(handler, 400, _errors(400, "BadRequestError", "Template not found"))
        if template.type != kind:
            message = f"{kind} template is not suitable for {template.type} notification"
            return _answer(handler, 400, _errors(400, "BadRequestError", message))
        values = data.get("personalisation") or {}
        missing = sorted(template.required() - set(values))
        if missing:
            message = f"Missing personalisation: {', '.join(missing)}"
            return _answer(handler, 400, _errors(400, "BadRequestError", message))
        problem = _recipient_problem(kind, data, values)
        if problem:
            return _answer(handler, 400, _errors(400, "ValidationError", problem))
        notification = self._record(kind, template, data, values)
        with self._lock:
            lose = self._lose > 0
            self._lose -= 1 if lose else 0
        if lose:
            return _answer(handler, 502, _errors(502, "Exception", "Bad gateway"))
        content: dict[str, Any] = {"body": notification["body"]}
        if kind == "email":
            content |= {"subject": notification["subject"], "from_email": "pdms@notify.invalid"}
        elif kind == "sms":
            content["from_number"] = "PDMS"
        else:
            content["subject"] = notification["subject"]
        answer = {
            "id": notification["id"],
            "reference": notification["reference"],
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification['id']}",
            "template": {
                "id": template.id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{template.id}",
            },
        }
        if kind == "letter":
            answer["scheduled_for"] = None
        return _answer(handler, 201, answer)

    def _record(self, kind: str, template: Template, data: dict, values: dict) -> dict:
        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)

        notification = {
            "id": str(uuid.uuid4()),
            "reference": data.get("reference"),
            "type": kind,
            "status": "accepted" if kind == "letter" else "created",
            "template": {"id": template.id, "version": 1, "uri": ""},
            "email_address": data.get("email_address"),
            "phone_number": data.get("phone_number"),
            "subject": fill(template.subject) if kind != "sms" else None,
            "body": fill(template.body),
            "personalisation": values,
            "created_at": _now(),
            "sent_at": None,
            "completed_at": None,
        }
        for number in range(1, 8):
            notification[f"line_{number}"] = values.get(f"address_line_{number}")
        with self._lock:
            self.received.append(notification)
        return notification

    def _get(self, handler: BaseHTTPRequestHandler, path: str, query: dict) -> None:
        match = re.fullmatch(r"/v2/notifications/([^/]+)", path)
        with self._lock:
            notifications = [dict(n) for n in self.received]
        if match:
            try:
                wanted = str(uuid.UUID(match.group(1)))
            except ValueError:
                message = "notification_id is not a valid UUID"
                return _answer(handler, 400, _errors(400, "ValidationError", message))
            for notification in notifications:
                if notification["id"] == wanted:
                    return _answer(handler, 200, _public(notification))
            return _answer(handler, 404, _errors(404, "NoResultFound", "No result found"))
        if path != "/v2/notifications":
            return _answer(handler, 404, _errors(404, "NotFound", "Not found"))
        for key, attribute in (("reference", "reference"), ("template_type", "type")):
            if key in query:
                notifications = [n for n in notifications if n[attribute] == query[key][0]]
        if "status" in query:
            notifications = [n for n in notifications if n["status"] in query["status"]]
        current = f"{self.base_url}/v2/notifications"
        body = {
            "notifications": [_public(n) for n in reversed(notifications)],
            "links": {"current": current},
        }
        return _answer(handler, 200, body)


def _recipient_problem(kind: str, data: dict, values: dict) -> str | None:
    if kind == "email" and not EMAIL.match(str(data.get("email_address") or "")):
        return "email_address Not a valid email address"
    if kind == "sms":
        digits = re.sub(r"[\s()+-]", "", str(data.get("phone_number") or ""))
        digits = "0" + digits[2:] if digits.startswith("44") else digits
        if not re.fullmatch(r"07[0-9]{9}", digits):
            return "phone_number Not a UK mobile number"
    if kind == "letter":
        lines = [values.get(f"address_line_{n}") for n in range(1, 8)]
        lines = [str(line) for line in lines if line]
        if len(lines) < 3:
            return "Address must be at least 3 lines"
        if not POSTCODE.match(lines[-1]):
            return "Must be a real UK postcode"
    return None


def _public(notification: dict) -> dict:
    return {key: value for key, value in notification.items() if key != "personalisation"}


def _errors(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _answer(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
