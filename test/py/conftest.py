"""Starts Hangar the way the README's first command does (embedded PostgreSQL, filesystem
store, fresh ./data) from the built `dist/`, on free loopback ports, once per test session."""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import contextmanager
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from huggingface_hub import HfApi

ROOT = Path(__file__).resolve().parents[2]


def git(cwd: Path, *args: str) -> str:
    """The git CLI with no user or system config (so no credential helper and no git-lfs filter) and never a prompt."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "Py Git",
        "GIT_AUTHOR_EMAIL": "py-git@example.com",
        "GIT_COMMITTER_NAME": "Py Git",
        "GIT_COMMITTER_EMAIL": "py-git@example.com",
        "LC_ALL": "C",
    }
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, timeout=300)
    assert r.returncode == 0, f"git {' '.join(args)} exited {r.returncode}:\n{r.stderr.decode(errors='replace')}"
    return r.stdout.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MiB = 1024 * 1024


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def write_random(path: Path, size: int) -> str:
    """Writes `size` random bytes (in 8 MiB pieces) and returns their sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            piece = os.urandom(min(left, 8 * MiB))
            h.update(piece)
            f.write(piece)
            left -= len(piece)
    return h.hexdigest()


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(8 * MiB):
            h.update(piece)
    return h.hexdigest()


def xorb_bytes_received(url: str) -> float:
    """Hangar's counter of the xorb bytes it has received (one process: the test server)."""
    text = requests.get(url + "/metrics", timeout=30).text
    m = re.search(r"^hangar_xet_xorb_bytes_received_total(?:\{[^}]*\})? (\S+)$", text, re.M)
    assert m, "hangar_xet_xorb_bytes_received_total missing from /metrics"
    return float(m.group(1))


def point_0x_client_at(url: str, mp: pytest.MonkeyPatch) -> None:
    """huggingface_hub 0.x builds CommitInfo.repo_url with `RepoUrl(commit_url)` and no endpoint,
    so it parses the commit URL against the global endpoint (HF_ENDPOINT, default
    https://huggingface.co) and raises "Unable to retrieve user and repo ID" for any other host.
    With 0.x a self-hosted hub is used through HF_ENDPOINT, whose effect (both constants derived
    from it at import; file_download keeps its own copy of the URL template) this reproduces.
    Nothing to do for 1.x and later."""
    import huggingface_hub
    import huggingface_hub.file_download as file_download

    if int(huggingface_hub.__version__.split(".")[0]) != 0:
        return
    template = url + "/{repo_id}/resolve/{revision}/{filename}"
    mp.setattr(huggingface_hub.constants, "ENDPOINT", url)
    mp.setattr(huggingface_hub.constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    mp.setattr(file_download, "HUGGINGFACE_CO_URL_TEMPLATE", template)


def commit_ndjson(url: str, token: str, repo_id: str, lines: list[dict], repo_type: str = "model") -> requests.Response:
    """Posts an NDJSON commit (header, file, lfsFile, ... lines) to `main` with plain requests."""
    return requests.post(
        f"{url}/api/{repo_type}s/{repo_id}/commit/main",
        data="\n".join(json.dumps(line) for line in lines),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
        timeout=30,
    )


@pytest.fixture(scope="module")
def hf0_endpoint(hangar):
    """For a module's tests on the `hangar` server: `endpoint=` is passed everywhere; 0.x also
    needs the global endpoint (see point_0x_client_at)."""
    with pytest.MonkeyPatch.context() as mp:
        point_0x_client_at(hangar.url, mp)
        yield


@pytest.fixture
def api(hangar, user) -> HfApi:
    """huggingface_hub as the module's `user` (each module defines it: (name, token))."""
    return HfApi(endpoint=hangar.url, token=user[1])


@pytest.fixture
def anon(hangar) -> HfApi:
    """huggingface_hub with no token at all."""
    return HfApi(endpoint=hangar.url, token=False)


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


@contextmanager
def _running_hangar(prefix: str, extra_env: dict[str, str | None], log_copy_suffix: str = ""):
    """Starts the built server on the embedded default (fresh data dir, free ports) and yields
    (url, admin token, data dir) once /health/ready answers; stops it and cleans up after."""
    main = ROOT / "dist" / "src" / "main.js"
    assert main.exists(), "build first: npx nest build (npm test does)"
    data = tempfile.mkdtemp(prefix=prefix)
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
    env.update(extra_env)
    # A value of None in extra_env unsets that variable (e.g. HANGAR_BASE_URL).
    env = {k: v for k, v in env.items() if v is not None}
    log_path = Path(data) / "hangar.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(["node", str(main)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Hangar exited with {proc.returncode}: {log_path.read_text()[-3000:]}")
            try:
                if requests.get(url + "/health/ready", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.time() > deadline:
                raise RuntimeError("Hangar did not become ready within 120 s")
            time.sleep(0.3)
        yield url, admin_token, Path(data)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if os.environ.get("HANGAR_PY_LOG"):  # keep the server log of the run, e.g. to read a 500's cause
            shutil.copyfile(log_path, os.environ["HANGAR_PY_LOG"] + log_copy_suffix)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def hangar() -> Hangar:
    with _running_hangar("hangar-py-", {}) as (url, admin_token, _data):
        yield Hangar(url=url, admin_token=admin_token)


def _describe_http_error(exc: BaseException) -> str | None:
    """The request and response behind a huggingface_hub HTTP error (requests in 0.x, httpx in
    1.x+), so a failing test shows the exact exchange with Hangar."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        response = getattr(exc, "response", None)
        if response is not None and hasattr(response, "status_code"):
            request = getattr(response, "request", None)
            body = getattr(request, "body", None) if request is not None else None
            if body is None and request is not None:
                try:
                    body = request.content
                except Exception:  # a streamed httpx request body cannot be read back
                    body = None
            if isinstance(body, bytes):
                body = body[:2000].decode("utf-8", "replace")
            headers = response.headers
            return "\n".join(
                [
                    f"request:  {getattr(request, 'method', '?')} {getattr(request, 'url', '?')}",
                    f"          body: {str(body)[:2000] if body is not None else '-'}",
                    f"response: {response.status_code}",
                    f"          X-Error-Code: {headers.get('X-Error-Code')}",
                    f"          X-Error-Message: {headers.get('X-Error-Message')}",
                    f"          Location: {headers.get('Location')}",
                    f"          body: {response.text[:2000]}",
                ]
            )
        exc = exc.__cause__ or exc.__context__
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.excinfo is not None:
        exchange = _describe_http_error(call.excinfo.value)
        if exchange:
            report.sections.append(("Hangar HTTP exchange", exchange))
    return report


@dataclass
class HangarLfs(Hangar):
    """A Hangar for large-file tests, with the path of its data directory (the filesystem object
    store lives in `<data_dir>/objects`, LFS objects under `objects/lfs/`)."""

    data_dir: Path = Path()


@pytest.fixture(scope="session")
def hangar_lfs() -> HangarLfs:
    """A second Hangar (own data directory and embedded PostgreSQL port) whose multipart LFS
    uploads use small 5 MiB parts (S3's minimum) for objects of 64 MiB and more; smaller LFS
    objects go through `basic` (one PUT)."""
    extra = {"HANGAR_LFS_MULTIPART_CHUNK_BYTES": str(5 * 1024 * 1024), "HANGAR_LFS_MULTIPART_THRESHOLD_BYTES": str(64 * 1024 * 1024)}
    with _running_hangar("hangar-py-lfs-", extra, log_copy_suffix=".lfs") as (url, admin_token, data):
        yield HangarLfs(url=url, admin_token=admin_token, data_dir=data)
