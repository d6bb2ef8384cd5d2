"""Batch pages: upload a roster, watch its progress, download the workbook, delete it (or let it expire).

The work runs in the background through the app's :class:`~calculator.batch.jobs.JobRunner` (in this process by
default, on Redis with ``INCENTIVES_REDIS_URL``), and this module uses nothing else of it. A job belongs to the
browser session that uploaded it (a random id in the signed session cookie): another session gets the same "not
here" page as for a job that never existed. Hostile files are refused before a job starts, with a page, and
files over a bound (cells, rows, …: ``BATCH_MAX_*``, read by the process doing the work) as the job's first step,
before any row is built.

Uploads may be ``BATCH_MAX_UPLOAD`` bytes, more than the app-wide ``MAX_CONTENT_LENGTH``: Flask-WTF would check
the CSRF token in a ``before_request`` hook, parsing the body under the app-wide limit, so the upload view is
exempt from that hook and checks the token itself, once it has raised the limit for this one request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import secrets
import tempfile
import time
from dataclasses import replace
from pathlib import Path

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
    session,
    url_for,
)

from calculator.batch import (
    BUSY,
    INPUT,
    MAX_ROWS,
    BatchFileError,
    JobRequest,
    JobRunner,
    QueueFull,
    build_template,
    make_runner,
    megabytes,
    read_previous,
    sheet_limits,
    sniff,
    template_name,
)
from calculator.config import BATCH_MAX_UPLOAD
from calculator.extensions import csrf
from calculator.i18n import N_, gettext, t
from calculator.service import InputRejected, as_of_date
from calculator.web.i18n import current_lang
from calculator.workbook import XLSX_MIMETYPE, content_disposition

bp = Blueprint("batch", __name__)
NO_FILE = N_("Choose a file to upload.")
RESULT_NAME = N_("batch-assessment")  # the downloaded workbook's name, before the date
PREVIOUS = "previous.xlsx"  # a previous result workbook, in the upload's staging folder
ERRORS_PER_PAGE = 100  # rejected-row messages per page of a finished job (all of them are in the workbook)


def register(app: Flask) -> None:
    app.config.setdefault("BATCH_MAX_UPLOAD", BATCH_MAX_UPLOAD)
    app.config.setdefault("BATCH_MAX_ROWS", MAX_ROWS)
    app.extensions["batch_jobs"] = app.config.get("BATCH_RUNNER") or make_runner(
        app.config, app.extensions["catalogue"], jobs_folder(app))
    app.context_processor(lambda: {"batch_minutes": minutes(app.config["BATCH_TTL"])})
    app.register_blueprint(bp)


def minutes(seconds: float) -> int:
    """A lifetime in whole minutes, rounded up (the notices promise "at most")."""
    return max(1, math.ceil(seconds / 60))


def jobs_folder(app: Flask) -> Path:
    """Where batch jobs live: ``BATCH_DIR`` if set, else a folder in the temporary directory named from the
    secret key, so that every worker process of the app (they share the key) finds every job, whichever
    worker took the upload, and nobody without the key can guess the name."""
    if app.config.get("BATCH_DIR"):
        return Path(app.config["BATCH_DIR"])
    key = app.secret_key if isinstance(app.secret_key, bytes) else str(app.secret_key).encode()
    digest = hashlib.sha256(b"incentives batch folder\0" + key).hexdigest()[:24]
    return Path(tempfile.gettempdir()) / f"incentives-batch-{digest}"


def jobs() -> JobRunner:
    return current_app.extensions["batch_jobs"]  # type: ignore[no-any-return]


def owner(create: bool = False) -> str:
    """This browser session's batch owner id: a random id in the signed session cookie (made at the first upload).
    An empty string owns nothing."""
    found = session.get("batch_owner")
    if not isinstance(found, str) or len(found) < 22:
        if not create:
            return ""
        found = session["batch_owner"] = secrets.token_urlsafe(18)
    return found


def gone() -> tuple[str, int]:
    """The one answer for a job that is not this session's to see: unknown, expired, deleted or another's."""
    return render_template("batch/gone.html"), 404


def upload_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    limit = current_app.config["BATCH_MAX_UPLOAD"]
    return render_template("batch/upload.html", error=error, limit_mb=megabytes(limit),
                           max_rows=current_app.config["BATCH_MAX_ROWS"]), status


@bp.get("/batch")
def upload_form() -> tuple[str, int]:
    return upload_page()


@bp.errorhandler(413)
def upload_too_large(error: Exception) -> tuple[str, int]:
    """A body that outgrew the limit while it was read (no Content-Length to refuse it by): the page, saying the
    limit."""
    limit = megabytes(current_app.config["BATCH_MAX_UPLOAD"])
    return upload_page(BatchFileError("upload_too_big", limit=limit).render(current_lang()), 413)


@csrf.exempt  # checked below, after the body limit is raised for this request (see the module's docstring)
@bp.post("/batch")
def upload() -> Response | tuple[str, int]:
    lang = current_lang()
    limit = current_app.config["BATCH_MAX_UPLOAD"]
    if request.content_length is not None and request.content_length > limit:
        return upload_page(BatchFileError("too_big", size=megabytes(request.content_length, 1),
                                          limit=megabytes(limit)).render(lang), 413)
    request.max_content_length = limit
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a missing or wrong token raises CSRFError: the app's 400 page, nothing saved
    file = request.files.get("file")
    kind = request.form.get("kind") or None
    if kind not in (None, "companies", "people"):
        kind = None
    typed = request.form.get("as_of") or ""
    try:  # read by the service's rules; never silently today: the whole batch would be assessed on the wrong date
        as_of = as_of_date(typed, lang) if typed.strip() else None  # blank: the day the job runs
    except InputRejected as exc:
        return upload_page(exc.errors[0].message, 400)
    if file is None or not file.filename:
        return upload_page(gettext(NO_FILE, lang), 400)
    runner = jobs()
    previous = request.files.get("previous")
    asked = JobRequest(filename=Path(file.filename).name[:200], lang=lang, kind=kind,
                       as_of=as_of.isoformat() if as_of else None,
                       download=f"{gettext(RESULT_NAME, lang)}_{dt.date.today().isoformat()}.xlsx")
    with runner.upload() as staging:  # a private folder, deleted with anything left in it
        path = staging / INPUT
        try:
            file.save(path)
            sniff(path, limit)  # format by content, zip inspected: hostile files are refused before any job
            if previous is not None and previous.filename:  # read here (bounded): refused before any job starts
                previous.save(staging / PREVIOUS)
                earlier = read_previous(staging / PREVIOUS, sheet_limits(current_app.config), limit)
                asked = replace(asked, previous=earlier.as_json())
                del earlier
        except BatchFileError as exc:
            return upload_page(exc.render(lang), 400)
        try:
            job_id = runner.submit(asked, path, owner(create=True))
        except QueueFull as full:
            page, status = upload_page(t(BUSY, lang, limit=full.limit), 503)
            response = make_response(page, status)
            response.headers["Retry-After"] = "60"
            return response
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
    status = jobs().status(job_id, owner())
    if status is None:
        return gone()
    running = status.active
    pages = None
    errors: list[dict[str, object]] = []
    if status.state == "done":
        total = (status.summary or {}).get("messages", 0)
        pages = error_pages(total, request.args.get("page"))
        errors = jobs().errors(job_id, owner(), pages["first"] - 1, ERRORS_PER_PAGE) if total else []
    left = minutes(max(0.0, status.expires - time.time()))
    response = make_response(render_template("batch/job.html", job=status, errors=errors, job_id=job_id,
                                             running=running, pages=pages, minutes_left=left))
    response.headers["Cache-Control"] = "no-store"
    if running:
        response.headers["Refresh"] = "2"  # a plain refresh: no script (the CSP forbids inline script)
    return response


@bp.get("/batch/jobs/<job_id>/download")
def download(job_id: str) -> Response | tuple[str, int]:
    """The workbook, as often as the owner likes until the job expires or is deleted."""
    runner = jobs()
    status = runner.status(job_id, owner())
    result = runner.result(job_id, owner()) if status is not None else None
    if status is None or result is None:
        return gone()
    response = send_file(result, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(status.name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/batch/jobs/<job_id>/delete")
def delete(job_id: str) -> tuple[str, int]:
    """"Delete now": the job and everything kept for it (a running job stops)."""
    if not jobs().delete(job_id, owner()):
        return gone()
    return render_template("batch/deleted.html"), 200


@bp.get("/batch/template/<kind>.xlsx")
def template(kind: str) -> Response:
    if kind not in ("companies", "people"):
        abort(404)
    lang = current_lang()  # the template's words, dropdowns included, are in the page's language
    response = send_file(io.BytesIO(build_template(current_app.extensions["catalogue"], kind, lang)),
                         mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(template_name(kind, lang))
    return response
