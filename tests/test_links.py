"""Templates' ``url_for`` (calculator.web.links.page_url) builds what Flask's does, under any script root, and keeps
the links it built apart per script root."""

from __future__ import annotations

from flask import url_for

from calculator.web.links import page_url

ASKED = [("web.company", {"lang": "en"}), ("web.company", {"lang": "zh"}), ("web.home", {}),
         ("static", {"filename": "site.css"}), ("web.changes", {"since": "2026-01-01", "lang": "zh"}),
         ("web.company_questions", {}), ("web.shared", {"a": "v1.x", "lang": "en", "_external": True}),
         ("web.company", {"lang": "en", "_anchor": "q-1"}), ("web.talent", {"person": 2, "lang": "en"})]


def test_page_links_are_flasks(app):
    for root in ("", "/calc", "/other/root"):
        for _ in range(2):  # built, then kept
            with app.test_request_context("/company", environ_base={"SCRIPT_NAME": root}):
                for endpoint, values in ASKED:
                    assert page_url(endpoint, **values) == url_for(endpoint, **values), (root, endpoint, values)
    assert app.jinja_env.globals["url_for"] is page_url


def test_a_batch_jobs_link_is_never_kept(app):
    """A job's id is a secret that ends with its job: its links are built each time, never held by the app."""
    with app.test_request_context("/batch"):
        assert page_url("web.company", lang="en") == url_for("web.company", lang="en")
        for endpoint in ("batch.job", "batch.download", "batch.delete"):
            assert page_url(endpoint, job_id="secret-job-id", lang="en") == url_for(endpoint, job_id="secret-job-id",
                                                                                    lang="en")
        kept = app.extensions["page_urls"]
        assert any(url == url_for("web.company", lang="en") for url in kept.values())  # links are kept...
        assert not any("secret-job-id" in repr(key) + url for key, url in kept.items())  # ...but not a job's


def test_page_links_outside_a_request_are_flasks(app):
    app.config["SERVER_NAME"] = "calc.example"
    try:
        with app.app_context():
            assert page_url("web.company", lang="en") == url_for("web.company", lang="en")
    finally:
        app.config["SERVER_NAME"] = None
