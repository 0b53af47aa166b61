"""schemathesis hooks for test_openapi_conformance.py (loaded through SCHEMATHESIS_HOOKS): the
request media types schemathesis has no serializer for are sent as what they are on the wire,
text lines (an NDJSON commit) or raw bytes (git's pkt-line requests)."""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
schemathesis.serializer.alias(["application/x-git-upload-pack-request", "application/x-git-receive-pack-request"], "application/octet-stream")
