"""A real `dossier serve` for the tests that probe the review UI from outside over HTTP, and a client."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DOSSIER = str(Path(sys.executable).with_name("dossier"))
PASSWORD = "outside-test-pw-1"


@dataclass
class Browser:
    """A minimal HTTP client keeping the session cookie, following no redirect (the tests look at them)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def token(self, path: str = "/login") -> str:
        html = self.request("GET", path)[2]
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, html[:300]
        return match.group(1)

    def sign_in(self, name: str, password: str) -> tuple[int, str]:
        body = f"name={name}&password={password}&csrf_token={self.token()}"
        status, _, text = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return status, text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dossier_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DOSSIER, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@contextlib.contextmanager
def serving(data: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`dossier serve` over `data` (SQLite) with users admin (administrator) and rev (reviewer), PASSWORD."""
    env = {**os.environ, "DOSSIER_DATA_DIR": str(data)}
    env.pop("DOSSIER_DATABASE_URL", None)
    for name, role in [("admin", "administrator"), ("rev", "reviewer")]:
        made = dossier_cli(env, "user", "add", name, "--role", role, stdin=PASSWORD + "\n")
        assert made.returncode == 0, made.stderr
    port = free_port()
    process = subprocess.Popen(
        [DOSSIER, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.2)
        yield port, env
    finally:
        process.terminate()
        process.wait(timeout=30)
