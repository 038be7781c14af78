"""A real headless Chromium driven over the DevTools protocol, through a pipe.

``--remote-debugging-pipe`` reads commands from fd 3 and writes answers to fd 4, each
a JSON message ending in NUL: no port to find and no websocket library needed. Every
wait is bounded, so a page that never renders fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PLACE_PIPES = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)
#: Upper bound of any one wait for the browser (start, load, an evaluation).
WAIT_SECONDS = 90


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


class Chromium:
    def __init__(self, binary: str, profile: Path):
        self.binary, self.profile = binary, profile
        self._next_id = 0
        self._buffer = b""
        self._session: str | None = None
        self.requested: list[str] = []

    def __enter__(self) -> Chromium:
        commands, self._to_browser = os.pipe()
        self._from_browser, answers = os.pipe()
        flags = ["--headless", "--remote-debugging-pipe", "--no-first-run", "--disable-gpu"]
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to sandbox as root (CI runs so)
        # A Python trampoline puts the pipe's ends on the descriptors Chromium expects
        # (a POSIX shell's redirections take single-digit descriptors only).
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                PLACE_PIPES,
                str(commands),
                str(answers),
                self.binary,
                *flags,
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            pass_fds=(commands, answers),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands)
        os.close(answers)
        return self

    def __exit__(self, *_: object) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)

    def open(self, url: str) -> list[str]:
        """Load url in a new tab; returns the URLs of every request it made to load."""
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self._call("Network.enable")
        self._call("Page.enable")
        self._call("Page.navigate", url=url)
        self._until_event("Page.loadEventFired")
        return self.requested

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the tab (promises awaited)."""
        answer = self._call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session and not method.startswith("Target."):
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                assert "error" not in reply, (method, reply["error"])
                return reply["result"]

    def _until_event(self, method: str) -> None:
        while self._receive().get("method") != method:
            pass

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_SECONDS
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "the browser did not answer"
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                assert chunk, "the browser exited"
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if message.get("method") == "Network.requestWillBeSent":
            self.requested.append(message["params"]["request"]["url"])
        return message
