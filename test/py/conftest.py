"""Starts Hangar the way the README's first command does (embedded PostgreSQL, filesystem
store, fresh ./data) from the built `dist/`, on free loopback ports, once per test session."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hangar:
    url: str
    admin_token: str

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.url + path, headers={"X-Admin-Token": self.admin_token}, timeout=30, **kwargs)

    def new_user_token(self, username: str, role: str = "write") -> str:
        """Creates a user through the admin API, logs in, and returns a fresh API token."""
        password = f"pw-{username}-long-enough"
        r = self.admin(
            "POST",
            "/admin/api/users",
            json={"username": username, "email": f"{username}@example.com", "password": password, "email_verified": True},
        )
        assert r.status_code == 200, r.text
        session = requests.Session()
        r = session.post(self.url + "/api/auth/login", json={"username": username, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        r = session.post(self.url + "/api/auth/tokens/create", json={"name": "pytest", "role": role}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()["token"]


@pytest.fixture(scope="session")
def hangar() -> Hangar:
    main = ROOT / "dist" / "src" / "main.js"
    assert main.exists(), "build first: npx nest build (npm test does)"
    data = tempfile.mkdtemp(prefix="hangar-py-")
    os.chmod(data, 0o755)  # the embedded PostgreSQL may run as the `postgres` user
    port, pg_port = free_port(), free_port()
    admin_token = secrets.token_hex(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANGAR_")}
    env.update(
        HANGAR_HOST="127.0.0.1",
        HANGAR_PORT=str(port),
        HANGAR_BASE_URL=f"http://127.0.0.1:{port}",
        HANGAR_DATA_DIR=data,
        HANGAR_EMBEDDED_PG_PORT=str(pg_port),
        HANGAR_ADMIN_TOKEN=admin_token,
        HANGAR_LOG_LEVEL="warn",
    )
    log = open(Path(data) / "hangar.log", "wb")
    proc = subprocess.Popen(["node", str(main)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Hangar exited with {proc.returncode}: {Path(data, 'hangar.log').read_text()[-3000:]}")
            try:
                if requests.get(url + "/health/ready", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.time() > deadline:
                raise RuntimeError("Hangar did not become ready within 120 s")
            time.sleep(0.3)
        yield Hangar(url=url, admin_token=admin_token)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
