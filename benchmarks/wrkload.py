"""The same measurement with wrk (C, Debian package ``wrk``), for comparison with the browser-like client.

wrk keeps connections alive when the server allows it, but when an answer closes the connection it drops the
socket at once and reconnects: it never leaves a closed connection open, so it cannot show a server that waits for
the client's end of the connection (gunicorn >= 26's sync worker, ``benchmarks/httpload.py``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.httpload import Request, Result

LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def lua_string(text: str) -> str:
    level = "=" * 4
    if f"]{level}]" in text:
        raise ValueError("text contains the Lua long-bracket terminator")
    return f"[{level}[{text}]{level}]"


def lua_mix(requests: list[Request]) -> str:
    """Each connection sends the requests in turn."""
    items = []
    for r in requests:
        headers = ", ".join(f'["{k}"] = {lua_string(v)}' for k, v in r.headers.items())
        body = lua_string(r.body.decode("utf-8")) if r.body else "nil"
        items.append(f'wrk.format("{r.method}", {lua_string(r.path)}, {{{headers}}}, {body})')
    return ("local reqs = {}\nlocal i = 0\ninit = function(args)\n  reqs = {" + ", ".join(items) + "}\nend\n"
            "request = function()\n  i = i % #reqs + 1\n  return reqs[i]\nend\n" + LUA_DONE)


class WrkResult(Result):
    """wrk reports percentiles itself; ``percentile`` answers 50 and 99 from them."""

    p50_ms: float = 0.0
    p99_ms: float = 0.0

    def percentile(self, p: float) -> float:
        return {50: self.p50_ms, 99: self.p99_ms}[int(p)]


def run(base: str, requests: list[Request], connections: int, duration: int) -> WrkResult:
    with tempfile.TemporaryDirectory(prefix="incentives-wrk-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(lua_mix(requests), encoding="utf-8")
        command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
                   "-s", str(script), base + requests[0].path]
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    found = re.search(r"^RESULT (\{.*\})$", done.stdout, re.M)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    r = json.loads(found.group(1))
    result = WrkResult(requests=r["requests"], duration_s=r["duration_us"] / 1e6,
                       errors=sum(r[k] for k in ("connect", "read", "write", "status", "timeout")))
    result.p50_ms, result.p99_ms = r["p50_us"] / 1000, r["p99_us"] / 1000
    return result
