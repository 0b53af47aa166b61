#!/usr/bin/env python3
"""Xet protocol test vectors produced at test time by the real ``hf_xet`` client.

Usage (run with the project's ``.venv/bin/python``):

    xet-vectors.py upload   SPEC.json   # -> manifest JSON on stdout
    xet-vectors.py download SPEC.json   # -> results JSON on stdout

``upload``: generates the input files described by the spec (deterministic generators, written
to ``<outDir>/inputs/``), then for every run starts a tiny local CAS server that records what the
client sends, and uploads the run's files with ``hf_xet.XetSession`` (compression policy set per
run). Captured xorbs (``POST /v1/xorbs/default/{hash}``) and shards (``POST /v1|v2/shards``) are
written to ``<outDir>/<run>/``. Also hashes every input with ``hf_xet.hash_files``. The manifest
lists the inputs, the hashes the client reported, the captured objects and every request seen.

``download``: downloads files (or byte ranges of them) with ``hf_xet`` from a CAS endpoint given
in the spec (the test's own server) and writes them to the given paths.

The client cache (``HF_XET_CACHE``/``HF_HOME``) is pointed into ``<outDir>`` so nothing from an
earlier run (local dedup, shard cache) leaks in.
"""

import hashlib
import json
import math
import os
import random
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which but have an they "
    "you were her she there one all we their been has when who will more no if out so said what up its about into "
    "than them can only other new some could time these two may then do first any my now such like our over man me "
    "even most made after also did many before must through back years where much your way well down should because "
    "each just those people how too little state good very make world still own see men work long get here between"
).split()


def generate(gen):
    kind = gen["kind"]
    size = gen.get("size", 0)
    if kind == "random":
        return random.Random(gen["seed"]).randbytes(size)
    if kind == "zeros":
        return bytes(size)
    if kind == "text":
        rng = random.Random(gen["seed"])
        out = []
        n = 0
        while n < size:
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 16))) + ".\n"
            out.append(line)
            n += len(line)
        return "".join(out).encode()[:size]
    if kind == "floats":
        # Smooth float32 signal: high bytes repeat, low bytes vary (what byte grouping is for).
        rng = random.Random(gen["seed"])
        n = (size + 3) // 4
        vals = [math.sin(i / 97.0) * 3.0 + rng.random() * 1e-3 for i in range(n)]
        return struct.pack("<%df" % n, *vals)[:size]
    if kind == "repeat":
        block = random.Random(gen["seed"]).randbytes(gen["period"])
        reps = size // len(block) + 1
        return (block * reps)[:size]
    if kind == "concat":
        return b"".join(generate(p) for p in gen["parts"])
    if kind == "slice":
        data = generate(gen["of"])
        return data[gen.get("start", 0) : gen.get("end", len(data))]
    raise ValueError("unknown generator %r" % kind)


class Capture:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.requests = []
        self.xorbs = []
        self.shards = []
        self.lock = threading.Lock()
        os.makedirs(os.path.join(out_dir, "xorbs"), exist_ok=True)
        os.makedirs(os.path.join(out_dir, "shards"), exist_ok=True)


def make_handler(cap):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def reply(self, code, body=b"", ctype="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def handle_any(self):
            body = self.read_body()
            path = self.path.split("?", 1)[0]
            rec = {
                "method": self.command,
                "path": self.path,
                "bodyLength": len(body),
                "authorization": self.headers.get("Authorization"),
                "contentType": self.headers.get("Content-Type"),
            }
            if body[:1] == b"{":
                try:
                    rec["json"] = json.loads(body)
                except ValueError:
                    pass
            with cap.lock:
                cap.requests.append(rec)
            if self.command == "POST" and path.startswith("/v1/xorbs/"):
                xorb_hash = path.rsplit("/", 1)[1]
                rel = os.path.join("xorbs", xorb_hash + ".xorb")
                with open(os.path.join(cap.out_dir, rel), "wb") as f:
                    f.write(body)
                with cap.lock:
                    cap.xorbs.append({"hash": xorb_hash, "path": os.path.join(cap.out_dir, rel), "size": len(body), "prefix": path.split("/")[3]})
                return self.reply(200, b'{"was_inserted":true}')
            if self.command == "POST" and path in ("/v1/shards", "/v2/shards"):
                with cap.lock:
                    n = len(cap.shards)
                    rel = os.path.join("shards", "%d.shard" % n)
                    cap.shards.append({"path": os.path.join(cap.out_dir, rel), "size": len(body), "endpoint": path})
                with open(os.path.join(cap.out_dir, rel), "wb") as f:
                    f.write(body)
                if path == "/v2/shards":
                    return self.reply(200, b'{"type":"result","result":1}\n', "application/x-ndjson")
                return self.reply(200, b'{"result":1}')
            # Global dedup queries, xorb grants, telemetry, anything else: not found.
            return self.reply(404, b'{"error":"not found"}')

        do_GET = do_POST = do_PUT = do_HEAD = handle_any

    return Handler


def start_server(handler):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_port


def import_hf_xet(out_dir):
    os.environ["HF_XET_CACHE"] = os.path.join(out_dir, "xet-cache")
    os.environ["HF_HOME"] = os.path.join(out_dir, "hf-home")
    import hf_xet  # noqa: E402  (after the cache location is set)

    return hf_xet


def hf_xet_version():
    try:
        from importlib.metadata import version

        return version("hf_xet")
    except Exception:  # pragma: no cover
        return None


def cmd_upload(spec):
    out_dir = spec["outDir"]
    os.makedirs(os.path.join(out_dir, "inputs"), exist_ok=True)
    hf_xet = import_hf_xet(out_dir)
    inputs = {}
    for run in spec["runs"]:
        for f in run["files"]:
            if f["name"] in inputs:
                continue
            data = generate(f["gen"])
            path = os.path.join(out_dir, "inputs", f["name"] + ".bin")
            with open(path, "wb") as fh:
                fh.write(data)
            inputs[f["name"]] = {"name": f["name"], "path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    names = sorted(inputs)
    hashed = hf_xet.hash_files([inputs[n]["path"] for n in names])
    for n, info in zip(names, hashed):
        inputs[n]["hashFilesHash"] = info.hash
        inputs[n]["hashFilesSize"] = info.file_size

    runs = []
    for run in spec["runs"]:
        run_dir = os.path.join(out_dir, run["name"])
        cap = Capture(run_dir)
        srv, endpoint = start_server(make_handler(cap))
        try:
            cfg = hf_xet.XetConfig().with_config(
                {"telemetry.enabled": False, "xorb.compression_policy": run.get("compression", "auto")}
            )
            session = hf_xet.XetSession(cfg)
            handles = []
            with session.new_upload_commit(endpoint=endpoint, token="xet-test-token", token_expiry_unix_secs=int(time.time()) + 3600) as commit:
                for f in run["files"]:
                    info = inputs[f["name"]]
                    if f.get("mode") == "bytes":
                        with open(info["path"], "rb") as fh:
                            h = commit.start_upload_bytes(fh.read(), sha256=hf_xet.COMPUTE_SHA256, name=f["name"])
                    else:
                        h = commit.start_upload_file(info["path"], sha256=hf_xet.COMPUTE_SHA256)
                    handles.append((f["name"], h))
            files = []
            for name, h in handles:
                meta = h.result()
                files.append(
                    {
                        "name": name,
                        "path": inputs[name]["path"],
                        "size": inputs[name]["size"],
                        "hash": meta.xet_info.hash,
                        "reportedSize": meta.xet_info.file_size,
                        "sha256": meta.xet_info.sha256,
                    }
                )
        finally:
            srv.shutdown()
            srv.server_close()
        runs.append(
            {
                "name": run["name"],
                "compression": run.get("compression", "auto"),
                "endpoint": endpoint,
                "files": files,
                "xorbs": cap.xorbs,
                "shards": cap.shards,
                "requests": cap.requests,
            }
        )
    return {"hfXetVersion": hf_xet_version(), "inputs": [inputs[n] for n in names], "runs": runs}


def cmd_download(spec):
    out_dir = spec["outDir"]
    os.makedirs(out_dir, exist_ok=True)
    hf_xet = import_hf_xet(out_dir)
    cfg = hf_xet.XetConfig().with_config({"telemetry.enabled": False})
    for k, v in (spec.get("config") or {}).items():
        cfg = cfg.with_config(k, v)
    session = hf_xet.XetSession(cfg)
    expiry = int(time.time()) + 3600
    results = []
    whole = [i for i in spec["items"] if i.get("start") is None and i.get("end") is None]
    ranged = [i for i in spec["items"] if not (i.get("start") is None and i.get("end") is None)]
    if whole:
        try:
            with session.new_file_download_group(endpoint=spec["endpoint"], token=spec.get("token", "xet-test-token"), token_expiry_unix_secs=expiry) as group:
                for item in whole:
                    group.start_download_file(hf_xet.XetFileInfo(item["hash"], item["size"]), item["dest"])
            results += [{"dest": i["dest"], "ok": True} for i in whole]
        except Exception as e:  # report, let the test decide
            results += [{"dest": i["dest"], "ok": False, "error": "%s: %s" % (type(e).__name__, e)} for i in whole]
    if ranged:
        group = session.new_download_stream_group(endpoint=spec["endpoint"], token=spec.get("token", "xet-test-token"), token_expiry_unix_secs=expiry)
        for item in ranged:
            try:
                data = b"".join(group.download_stream(hf_xet.XetFileInfo(item["hash"], item["size"]), start=item.get("start"), end=item.get("end")))
                with open(item["dest"], "wb") as fh:
                    fh.write(data)
                results.append({"dest": item["dest"], "ok": True})
            except Exception as e:
                results.append({"dest": item["dest"], "ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        group.finish()
    return {"hfXetVersion": hf_xet_version(), "results": results}


def main(argv):
    if len(argv) != 3 or argv[1] not in ("upload", "download"):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2]) as fh:
        spec = json.load(fh)
    try:
        result = cmd_upload(spec) if argv[1] == "upload" else cmd_download(spec)
    except Exception:
        traceback.print_exc()
        return 1
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
