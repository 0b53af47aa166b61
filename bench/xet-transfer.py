"""Xet vs LFS on one Hangar, with the real huggingface_hub + hf_xet (the project venv): upload and
download of a 1 GiB random file through each path, then the re-upload of a copy with 1 MiB
changed in the middle (Xet sends only the changed chunks; LFS sends the whole file again), and
a plain GET of the Xet file through `resolve` (Hangar reassembles it). Prints one table: seconds,
MiB/s, bytes Hangar received, Hangar's resident-memory growth.

Run through bench/xet-transfer.sh (builds dist/ and snapshots it); it passes --dist.
Hangar runs on the embedded default (embedded PostgreSQL, filesystem store) in a temp dir."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

MiB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_random(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        left = size
        while left:
            piece = os.urandom(min(left, 8 * MiB))
            f.write(piece)
            left -= len(piece)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while piece := f.read(8 * MiB):
            h.update(piece)
    return h.hexdigest()


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakRss:
    """Samples a process's resident memory every 100 ms while the block runs."""

    def __init__(self, pid: int):
        self.pid, self.before, self.peak, self._stop = pid, 0, 0, threading.Event()

    def __enter__(self):
        self.before = self.peak = rss_kib(self.pid)
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_kib(self.pid))

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_kib(self.pid))

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.before) / 1024


class Hangar:
    def __init__(self, dist: Path, tmp: Path):
        self.data = tmp / "hangar"
        self.data.mkdir()
        os.chmod(tmp, 0o755)
        os.chmod(self.data, 0o755)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.admin_token = secrets.token_hex(24)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HANGAR_")}
        env.update(
            HANGAR_HOST="127.0.0.1",
            HANGAR_PORT=str(port),
            HANGAR_BASE_URL=self.url,
            HANGAR_DATA_DIR=str(self.data),
            HANGAR_EMBEDDED_PG_PORT=str(free_port()),
            HANGAR_ADMIN_TOKEN=self.admin_token,
            HANGAR_LOG_LEVEL="warn",
        )
        self.log = open(tmp / "hangar.log", "wb")
        self.proc = subprocess.Popen(["node", str(dist / "src" / "main.js")], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"Hangar exited: {(tmp / 'hangar.log').read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/health/ready", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.time() > deadline:
                raise SystemExit("Hangar did not become ready in 120 s")
            time.sleep(0.3)

    def user_token(self) -> str:
        name, password = "bench", "bench-password-long-enough"
        r = requests.post(
            self.url + "/admin/api/users",
            headers={"X-Admin-Token": self.admin_token},
            json={"username": name, "email": "bench@example.com", "password": password, "email_verified": True},
            timeout=30,
        )
        r.raise_for_status()
        s = requests.Session()
        s.post(self.url + "/api/auth/login", json={"username": name, "password": password}, timeout=30).raise_for_status()
        r = s.post(self.url + "/api/auth/tokens/create", json={"name": "bench", "role": "write"}, timeout=30)
        r.raise_for_status()
        return r.json()["token"]

    def xorb_bytes(self) -> int:
        text = requests.get(self.url + "/metrics", timeout=30).text
        m = re.search(r"^hangar_xet_xorb_bytes_received_total(?:\{[^}]*\})? ([0-9.e+]+)$", text, re.M)
        return int(float(m.group(1))) if m else 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


CLIENT = r"""
import sys
from huggingface_hub import HfApi, hf_hub_download
op, endpoint, token, repo, path, target = sys.argv[1:7]
if op == "upload":
    HfApi(endpoint=endpoint, token=token).upload_file(path_or_fileobj=path, path_in_repo=target, repo_id=repo)
else:
    print(hf_hub_download(repo, target, endpoint=endpoint, token=token, cache_dir=path))
"""


def client(op: str, hangar: Hangar, token: str, repo: str, path: Path, target: str, xet: bool) -> str:
    """Runs one upload or download in a fresh interpreter (HF_HUB_DISABLE_XET is read at import)."""
    env = {**os.environ, "HF_HUB_DISABLE_XET": "0" if xet else "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    env.pop("HF_ENDPOINT", None)
    out = subprocess.run([sys.executable, "-c", CLIENT, op, hangar.url, token, repo, str(path), target], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{op} ({'xet' if xet else 'lfs'}) failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", required=True, type=Path)
    ap.add_argument("--mib", type=int, default=int(os.environ.get("BENCH_XET_MIB", "1024")))
    args = ap.parse_args()
    size = args.mib * MiB
    tmp = Path(tempfile.mkdtemp(prefix="hangar-xet-bench-"))
    # A private client cache: nothing from earlier runs helps (or hurts) this one.
    os.environ["HF_HOME"] = str(tmp / "hf-home")
    hangar = Hangar(args.dist, tmp)
    rows: list[tuple[str, float, str, str, float]] = []
    try:
        token = hangar.user_token()
        from huggingface_hub import HfApi

        api = HfApi(endpoint=hangar.url, token=token)
        xet_repo, lfs_repo = api.create_repo("bench/xet").repo_id, api.create_repo("bench/lfs").repo_id
        big, other = tmp / "big.bin", tmp / "other.bin"
        for p in (big, other):
            write_random(p, size)
        # Each path re-uploads an edit of its own file: an edit of the Xet file uploaded through
        # LFS would find its sha256 already stored (Xet uploads are LFS objects too) and send nothing.
        edited, edited_lfs = tmp / "edited.bin", tmp / "edited-lfs.bin"
        for src, dst in ((big, edited), (other, edited_lfs)):
            shutil.copyfile(src, dst)
            with open(dst, "r+b") as f:
                f.seek(size // 2)
                f.write(os.urandom(MiB))

        def step(label: str, fn, sent=None, expect: str | None = None):
            before = hangar.xorb_bytes()
            with PeakRss(hangar.proc.pid) as rss:
                t0 = time.perf_counter()
                result = fn()
                secs = time.perf_counter() - t0
            if expect is not None:
                assert sha256_of(Path(result)) == expect, f"{label}: downloaded bytes differ"
            received = hangar.xorb_bytes() - before if sent == "xorbs" else sent
            rows.append((label, secs, f"{args.mib / secs:.0f}", "-" if received is None else f"{received / MiB:.1f} MiB", rss.growth_mib))
            print(f"[xet-bench] {label}: {secs:.2f} s", file=sys.stderr)

        big_sha, other_sha, edited_sha = sha256_of(big), sha256_of(other), sha256_of(edited)
        step("Xet upload (upload_file)", lambda: client("upload", hangar, token, xet_repo, big, "big.bin", True), "xorbs")
        step("Xet download (hf_hub_download, reconstructions)", lambda: client("download", hangar, token, xet_repo, tmp / "c1", "big.bin", True), expect=big_sha)
        step("LFS upload (HF_HUB_DISABLE_XET=1)", lambda: client("upload", hangar, token, lfs_repo, other, "big.bin", False), size)
        step("LFS download (HF_HUB_DISABLE_XET=1)", lambda: client("download", hangar, token, lfs_repo, tmp / "c2", "big.bin", False), expect=other_sha)

        def plain_get() -> str:
            out = tmp / "plain.bin"
            with requests.get(f"{hangar.url}/{xet_repo}/resolve/main/big.bin", headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=600) as r:
                r.raise_for_status()
                with open(out, "wb") as f:
                    for piece in r.iter_content(4 * MiB):
                        f.write(piece)
            return str(out)

        step("Xet file, plain GET of resolve (reassembled)", plain_get, expect=big_sha)
        step("re-upload, 1 MiB edited, Xet", lambda: client("upload", hangar, token, xet_repo, edited, "big.bin", True), "xorbs")
        step("re-upload, 1 MiB edited, LFS", lambda: client("upload", hangar, token, lfs_repo, edited_lfs, "big.bin", False), size)
        step("download of the edited file, Xet", lambda: client("download", hangar, token, xet_repo, tmp / "c3", "big.bin", True), expect=edited_sha)
    finally:
        hangar.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nXet vs LFS on one Hangar (fs store, embedded PostgreSQL), {args.mib} MiB random file, load {open('/proc/loadavg').read().split()[0]}")
    print(f"{'step':<48} {'seconds':>8} {'MiB/s':>7} {'bytes to Hangar':>16} {'RSS growth':>11}")
    for label, secs, rate, received, growth in rows:
        print(f"{label:<48} {secs:>8.2f} {rate:>7} {received:>16} {growth:>+9.1f} MiB")


if __name__ == "__main__":
    main()
