"""Where a request's CPU goes: the web and API assessment paths step by step, in one process, no server.

    python benchmarks/profile_requests.py [--requests 300] [--example futian-hightech-scaleup] [--lang en]
                                          [--cprofile 25]

Calls the WSGI app directly (as a gunicorn worker does, minus the socket) for ``POST /company`` (the results
page, a real CSRF token and session cookie) and ``POST /api/v1/assessments``, after a warm-up, with the loaded app
frozen out of the garbage collector's reach as in the workers. Each step the views call is wrapped with a CPU
timer (``time.thread_time``): reading the form or the JSON, validation, the engine, the report, the page's
preparation and template, the JSON answer. "Flask and the rest" is the WSGI call's total minus those steps (routing,
CSRF and session, flask-smorest's arguments, response objects). Medians per request; the steps' medians need not
add up to the total's. ``--cprofile N`` then prints the N functions with the most own time on each path (cProfile
inflates Python-heavy code; use it for the ranking, the timers for the figures). The HTTP layer (gunicorn's
parsing and writing, the socket) is what ``benchmarks/load.py``'s CPU per request adds to this total: compare
``GET /healthz`` here (also measured) with its figure there.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import re
import statistics
import sys
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load import AS_OF, EXAMPLES, company_form

WEB_STEPS = {"read the form": ("views", "read_form"), "validate (schema, as_of)": ("views", "load_input"),
             "engine (assess)": ("service", "assess"), "report (to_document)": ("service", "to_document"),
             "next questions (rank_assessment)": ("report", "rank_assessment"),
             "chart": ("views", "support_chart"),
             "cards (group_cards, card_tails, card_view)": ("views", "group_cards", "card_tails", "card_view"),
             "template (render_template)": ("views", "render_template")}
API_STEPS = {"read the JSON": ("parsing", "read_json"), "validate (confirm the date)": ("views", "confirmed"),
             "engine (assess)": ("service", "assess"), "report (to_document)": ("service", "to_document"),
             "next questions (rank_assessment)": ("report", "rank_assessment"),
             "JSON answer (orjson, response)": ("views", "assessment_answer")}
TITLES = {"web": "POST /company (results page)", "api": "POST /api/v1/assessments (full, the default)",
          "api-questions": "POST /api/v1/assessments?questions=true",
          "api-figures": "POST /api/v1/assessments?detail=figures", "trivial": "GET /healthz (trivial)"}


class Timers:
    """CPU time per step of the current request, by wrapping module-level names the views and the service call. A
    step called inside another (the next questions inside the report) is counted in its own line only."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.nested: list[float] = []

    def wrap(self, module: Any, names: tuple[str, ...], label: str) -> None:
        for name in names:
            setattr(module, name, self.timed(getattr(module, name), label))

    def timed(self, func: Callable[..., Any], label: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            self.nested.append(0.0)
            try:
                return func(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                self.current[label] += spent - self.nested.pop()
                if self.nested:
                    self.nested[-1] += spent
        return wrapper

    def close_request(self, total: float) -> None:
        inner = sum(self.current.values())
        for label, spent in self.current.items():
            self.samples[label].append(spent)
        self.samples["Flask and the rest"].append(total - inner)
        self.samples["total in process"].append(total)
        self.current.clear()


def environ(method: str, path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    url = urllib.parse.urlsplit(path)
    env = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": url.path, "QUERY_STRING": url.query,
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
           "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
           "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body))}
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def call(app: Any, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[str, bytes]:
    status: list[str] = []
    chunks = app(environ(method, path, body, headers), lambda s, h, e=None: status.append(s))
    try:
        data = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return status[0], data


def session(app: Any) -> tuple[str, str]:
    """(csrf token, Cookie header) from a GET of the company form, as a browser gets them."""
    captured: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
        captured["cookies"] = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"]

    page = b"".join(app(environ("GET", "/company?lang=en", b"", {}), start)).decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        raise SystemExit("the company form carried no CSRF token")
    return token.group(1), "; ".join(captured["cookies"])


def requests(app: Any, example: Path, lang: str) -> dict[str, tuple[str, str, bytes, dict[str, str]]]:
    token, cookie = session(app)
    form = urllib.parse.urlencode([("csrf_token", token), *company_form(example)]).encode()
    api = json.dumps(json.loads(example.read_text(encoding="utf-8")), ensure_ascii=False).encode()
    return {
        "web": ("POST", f"/company?lang={lang}", form,
                {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}),
        "api": ("POST", f"/api/v1/assessments?lang={lang}&as_of={AS_OF}", api, {"Content-Type": "application/json"}),
        "api-questions": ("POST", f"/api/v1/assessments?lang={lang}&as_of={AS_OF}&questions=true", api,
                          {"Content-Type": "application/json"}),
        "api-figures": ("POST", f"/api/v1/assessments?lang={lang}&as_of={AS_OF}&detail=figures", api,
                        {"Content-Type": "application/json"}),
        "trivial": ("GET", "/healthz", b"", {}),
    }


@contextmanager
def paused_gc() -> Iterator[None]:
    from calculator.gunicorn_conf import post_worker_init

    threshold = gc.get_threshold()
    post_worker_init(None)  # as in each worker: the app frozen, the youngest generation collected less often
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def measure(app: Any, request: tuple[str, str, bytes, dict[str, str]], timers: Timers, n: int) -> bytes:
    body = b""
    for index in range(n + 20):
        started = time.thread_time()
        status, body = call(app, *request)
        total = time.thread_time() - started
        if not status.startswith("200"):
            raise SystemExit(f"{request[1]}: {status}")
        if index >= 20:  # warm-up: caches filled per language, first-call costs paid
            timers.close_request(total)
        else:
            timers.current.clear()
    return body


def report(title: str, timers: Timers, size: int) -> None:
    count = len(timers.samples["total in process"])
    print(f"\n{title} ({size:,} bytes answered), CPU per request, median (mean) of {count}")
    order = [k for k in timers.samples if k not in ("Flask and the rest", "total in process")]
    for label in [*order, "Flask and the rest", "total in process"]:
        values = timers.samples[label]
        print(f"  {label:<34}{statistics.median(values) * 1000:>8.3f} ms  ({statistics.fmean(values) * 1000:.3f})")


PAGE_PARTS = {  # what the results page is made of (regular expressions over the HTML; parts may nest)
    "program cards (<article>)": r"<article .*?</article>",
    "  their collapsed details (<details>)": r"<details>.*?</details>",
    "    criteria tables": r'<table class="criteria">.*?</table>',
    "    sources lists": r'<ul class="sources">.*?</ul>',
    "the answers carried for the workbook button (hidden inputs)": r'<input type="hidden"[^>]*>',
    "whitespace between tags": r">\s+<",
}


def page_breakdown(page: bytes) -> None:
    html = page.decode("utf-8")
    cards, rows = html.count("<article "), html.count('<tr class="result-')
    print(f"  results page: {len(page):,} bytes; {cards} program cards, {rows} criteria rows")
    for label, pattern in PAGE_PARTS.items():
        found = re.findall(pattern, html, re.S)
        size = sum(len(part.encode()) for part in found) - (2 * len(found) if label.startswith("whitespace") else 0)
        print(f"    {label:<60}{size:>9,} bytes ({size / len(page):.0%})")


def profile(app: Any, request: tuple[str, str, bytes, dict[str, str]], n: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call(app, *request)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue().split("\n", 4)[-1].replace(str(Path(__file__).resolve().parents[1]) + "/", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--example", default="futian-hightech-scaleup")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="then print cProfile's top N")
    args = parser.parse_args()
    from calculator import service as service_module
    from calculator.api import parsing as api_parsing
    from calculator.api import views as api_views
    from calculator.app import create_app
    from calculator.engine import report as report_module
    from calculator.web import views as web_views

    app = create_app()
    from benchmarks.servers import reference_loop_us
    print(f"reference loop {reference_loop_us():.0f} us CPU (the machine's speed now: docs/performance.md)")
    reqs = requests(app, EXAMPLES / f"{args.example}.json", args.lang)
    with paused_gc():
        for name, module, steps in (("web", web_views, WEB_STEPS), ("api", api_views, API_STEPS),
                                    ("api-questions", api_views, API_STEPS), ("api-figures", api_views, API_STEPS),
                                    ("trivial", web_views, {})):
            timers = Timers()
            modules = {"views": module, "service": service_module, "report": report_module, "parsing": api_parsing}
            originals = [(modules[where], n, getattr(modules[where], n))
                         for where, *names in steps.values() for n in names]
            for label, (where, *names) in steps.items():
                timers.wrap(modules[where], tuple(names), label)
            try:
                body = measure(app, reqs[name], timers, args.requests)
            finally:
                for target, n, func in originals:
                    setattr(target, n, func)
            report(f"{TITLES[name]}, {args.example}, {args.lang}", timers, len(body))
            if name == "web":
                page_breakdown(body)
        if args.cprofile:
            for name in ("web", "api", "api-figures"):
                print(f"\ncProfile, {name}, {args.requests} requests, by own time:")
                profile(app, reqs[name], args.requests, args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
