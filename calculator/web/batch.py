"""Batch pages: upload a roster, watch its progress, download the workbook (then it is deleted).

The work runs in the background through :class:`calculator.batch.jobs.InProcessJobs` (replaceable by any
:class:`~calculator.batch.jobs.JobRunner`); hostile files are refused before a job starts, with a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from calculator.batch import (
    MAX_ROWS,
    BatchFileError,
    InProcessJobs,
    build_template,
    megabytes,
    run_batch,
    sniff,
    template_name,
)
from calculator.i18n import N_, gettext
from calculator.service import InputRejected, as_of_date
from calculator.web.i18n import current_lang
from calculator.workbook import XLSX_MIMETYPE, content_disposition

bp = Blueprint("batch", __name__)
NO_FILE = N_("Choose a file to upload.")
RESULT_NAME = N_("batch-assessment")  # the downloaded workbook's name, before the date
MAX_UPLOAD = 20 * 1024 * 1024
ERRORS_PER_PAGE = 100  # rejected-row messages per page of a finished job (all of them are in the workbook)


def register(app: Flask) -> None:
    app.config.setdefault("BATCH_MAX_UPLOAD", MAX_UPLOAD)
    app.config.setdefault("BATCH_MAX_ROWS", MAX_ROWS)
    app.config.setdefault("BATCH_TTL", 900)
    app.extensions["batch_jobs"] = app.config.get("BATCH_RUNNER") or InProcessJobs(
        ttl=app.config["BATCH_TTL"], folder=jobs_folder(app))
    app.register_blueprint(bp)


def jobs_folder(app: Flask) -> Path:
    """Where batch jobs live: ``BATCH_DIR`` if set, else a folder in the temporary directory named from the
    secret key, so that every worker process of the app (they share the key) finds every job, whichever
    worker took the upload, and nobody without the key can guess the name."""
    if app.config.get("BATCH_DIR"):
        return Path(app.config["BATCH_DIR"])
    key = app.secret_key if isinstance(app.secret_key, bytes) else str(app.secret_key).encode()
    digest = hashlib.sha256(b"incentives batch folder\0" + key).hexdigest()[:24]
    return Path(tempfile.gettempdir()) / f"incentives-batch-{digest}"


def jobs() -> InProcessJobs:
    return current_app.extensions["batch_jobs"]


def upload_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    limit = current_app.config["BATCH_MAX_UPLOAD"]
    return render_template("batch/upload.html", error=error, limit_mb=megabytes(limit),
                           max_rows=current_app.config["BATCH_MAX_ROWS"]), status


@bp.get("/batch")
def upload_form() -> tuple[str, int]:
    return upload_page()


@bp.post("/batch")
def upload() -> Response | tuple[str, int]:
    lang = current_lang()
    limit = current_app.config["BATCH_MAX_UPLOAD"]
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        return upload_page(BatchFileError("too_big", size=megabytes(request.content_length, 1),
                                          limit=megabytes(limit)).render(lang), 413)
    request.max_content_length = limit + 64 * 1024
    file = request.files.get("file")
    kind = request.form.get("kind") or None
    if kind not in (None, "companies", "people"):
        kind = None
    try:  # never silently today: the whole batch would be assessed on the wrong date
        as_of = as_of_date(request.form.get("as_of"), lang)
    except InputRejected as exc:
        return upload_page(exc.errors[0].message, 400)
    if file is None or not file.filename:
        return upload_page(gettext(NO_FILE, lang), 400)
    runner = jobs()
    staging = runner.root / f"upload-{secrets.token_hex(8)}"  # unique across the workers sharing the folder
    staging.mkdir(mode=0o700, exist_ok=True)
    path = staging / "input"
    try:
        file.save(path)
        sniff(path, limit)  # format by content, zip inspected: hostile files are refused before any job
    except BatchFileError as exc:
        path.unlink(missing_ok=True)
        staging.rmdir()
        return upload_page(exc.render(lang), 400)
    max_rows = current_app.config["BATCH_MAX_ROWS"]
    filename = Path(file.filename).name[:200]
    catalogue = current_app.extensions["catalogue"]

    def prepare(directory: Path) -> None:
        path.replace(directory / "input")
        staging.rmdir()

    def work(directory: Path, report: Any) -> dict[str, Any]:
        written = 0

        def on_error(error: Any) -> None:
            nonlocal written
            errors.write(json.dumps(error.as_dict(), ensure_ascii=False, default=str) + "\n")
            written += 1

        with (directory / InProcessJobs.ERRORS).open("w", encoding="utf-8") as errors:
            summary = run_batch(
                catalogue, directory / "input", directory / InProcessJobs.RESULT, kind=kind, as_of=as_of,
                lang=lang, max_rows=max_rows, max_bytes=limit, name=filename,
                on_progress=lambda p: report(p.rows_done, p.rows_total, p.rejected), on_error=on_error)
        return summary.as_dict() | {"line": summary.line(lang), "messages": written}

    name = f"{gettext(RESULT_NAME, lang)}_{dt.date.today().isoformat()}.xlsx"
    job_id = runner.submit(work, name=name, prepare=prepare)
    return redirect(url_for("batch.job", job_id=job_id, lang=lang), 303)


def error_pages(total: int, asked: str | None) -> dict[str, int]:
    """Which page of rejected-row messages to show: ``?page=N`` (1-based), kept within the pages there are (a
    stale or mistyped link shows the nearest page rather than an error)."""
    last = max(1, -(-total // ERRORS_PER_PAGE))
    try:
        page = min(max(1, int(asked or 1)), last)
    except ValueError:
        page = 1
    first = (page - 1) * ERRORS_PER_PAGE + 1
    return {"page": page, "last": last, "first": first, "to": min(total, first + ERRORS_PER_PAGE - 1),
            "total": total}


@bp.get("/batch/jobs/<job_id>")
def job(job_id: str) -> Response | tuple[str, int]:
    status = jobs().status(job_id)
    if status is None:
        return render_template("batch/gone.html"), 404
    running = status.state in ("queued", "running")
    pages = None
    errors: list[dict[str, Any]] = []
    if status.state == "done":
        total = (status.summary or {}).get("messages", 0)
        pages = error_pages(total, request.args.get("page"))
        errors = jobs().errors(job_id, pages["first"] - 1, ERRORS_PER_PAGE) if total else []
    response = make_response(render_template("batch/job.html", job=status, errors=errors, job_id=job_id,
                                             running=running, pages=pages))
    response.headers["Cache-Control"] = "no-store"
    if running:
        response.headers["Refresh"] = "2"  # a plain refresh: no script (the CSP forbids inline script)
    return response


@bp.get("/batch/jobs/<job_id>/download")
def download(job_id: str) -> Response | tuple[str, int]:
    runner = jobs()
    path = runner.result_path(job_id)
    status = runner.status(job_id)
    if path is None or status is None:
        return render_template("batch/gone.html"), 404
    data = path.read_bytes()
    runner.cleanup(job_id)  # kept only until downloaded
    response = send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(status.name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/batch/template/<kind>.xlsx")
def template(kind: str) -> Response:
    if kind not in ("companies", "people"):
        abort(404)
    response = send_file(io.BytesIO(build_template(current_app.extensions["catalogue"], kind)),
                         mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(template_name(kind))
    return response
