"""API benchmark: CPU per assessment answered by ``POST /api/v1/assessments``, in process (Flask test client).

    python benchmarks/api.py [--rounds 200]

For each example profile it reports the median CPU time (``time.process_time``) of one request through the whole
stack (language, body parsing and validation, assessment, document, JSON bytes), and, in the same run, the parts:
the assessment alone (service check + assess + document, no Flask), the document's bytes through orjson, and the
same document dumped through the declared response schema (``AssessmentSchema().dump``) then orjson. The last
ratio is what answering through marshmallow would cost on top of the assessment; it is why the API keeps orjson for
the bytes and enforces the declared schema by tests instead (see calculator/api/views.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from calculator.api.schemas import AssessmentSchema  # noqa: E402
from calculator.app import create_app  # noqa: E402

AS_OF = dt.date(2026, 11, 21)


def cpu_ms(func: Callable[[], Any], rounds: int) -> float:
    """Median CPU milliseconds of ``func`` over ``rounds`` runs (after one warm-up)."""
    func()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        func()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def with_dates(value: Any) -> Any:
    """The document with its ISO dates as ``date`` objects: what a schema with ``fields.Date`` dumps."""
    if isinstance(value, dict):
        return {k: with_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_dates(v) for v in value]
    if isinstance(value, str) and ISO_DAY.match(value):
        return dt.date.fromisoformat(value)
    return value


def plain_keys() -> None:
    """Read dict keys only when dumping (marshmallow falls back to attributes: a benefit without ``items`` would
    dump ``dict.items``). What a real dump through the schema would have to do too."""
    from marshmallow import Schema, missing

    Schema.get_attribute = lambda self, obj, attr, default: obj.get(attr, missing)  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    plain_keys()
    app = create_app({"TESTING": True})
    client = app.test_client()
    service = app.extensions["service"]
    print(f"{'example':<32} {'request':>9} {'assess':>9} {'orjson':>9} {'schema dump':>12}  (CPU ms, median)")
    for path in sorted((ROOT / "examples").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        body = json.dumps(data)
        url = f"/api/v1/assessments?as_of={AS_OF}&lang=zh"

        def request(url: str = url, body: str = body) -> None:
            response = client.post(url, data=body, content_type="application/json")
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

        whole = cpu_ms(request, args.rounds)
        doc = client.post(url, data=body, content_type="application/json").get_json()
        def assess(data: dict[str, Any] = data) -> Any:
            return service.document(service.assess(service.check(data, AS_OF, "zh")), "zh")

        alone = cpu_ms(assess, args.rounds)
        encode = cpu_ms(lambda doc=doc: orjson.dumps(doc), args.rounds)
        schema, dated = AssessmentSchema(), with_dates(doc)
        dump = cpu_ms(lambda doc=dated, schema=schema: orjson.dumps(schema.dump(doc)), max(20, args.rounds // 5))
        print(f"{path.stem:<32} {whole:9.2f} {alone:9.2f} {encode:9.2f} {dump:12.2f}  "
              f"(dump/request {dump / whole:.1f}x, {len(orjson.dumps(doc)) / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
