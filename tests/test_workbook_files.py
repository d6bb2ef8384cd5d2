"""Workbook files: names in the chosen language, download headers that keep them, the export command."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from werkzeug.http import parse_options_header

from calculator.cli import main
from calculator.workbook import XLSX_MIMETYPE, content_disposition, download_name
from calculator.workbook.labels import sheet_name
from tests.conftest import EXAMPLES, example
from tests.test_workbook import assess_raw, hostile_assessment

QIANHAI = str(EXAMPLES / "qianhai-hk-staff.json")


def test_file_names_are_in_the_chosen_language():
    assessment = assess_raw(example("qianhai-hk-staff.json"))
    assert download_name(assessment, "zh") == "激励测算_Qianhai-Cross-Border-AI-Services_2026-11-21.xlsx"
    assert download_name(assessment, "en") == "incentive-assessment_Qianhai-Cross-Border-AI-Services_2026-11-21.xlsx"
    people_only = assess_raw(example("hr-roster-ten.json"), dt.date(2027, 1, 5))
    assert download_name(people_only, "zh") == "激励测算_2027-01-05.xlsx"


def test_chinese_company_names_are_kept_and_unsafe_characters_dropped():
    assert download_name(hostile_assessment("深圳前海某某科技有限公司"), "zh") == \
        "激励测算_深圳前海某某科技有限公司_2026-11-21.xlsx"
    name = download_name(hostile_assessment('../..\\evil:name*?"<>|\x00\r\n; x%.'), "en")
    assert name == "incentive-assessment_evilname-x_2026-11-21.xlsx"
    assert "/" not in name and "\\" not in name and "\n" not in name
    long_name = download_name(hostile_assessment("A" * 300), "en")
    assert len(long_name) < 100


@pytest.mark.parametrize("filename", ["激励测算_深圳前海某某科技有限公司_2026-11-21.xlsx",
                                      "incentive-assessment_Acme-Ltd_2026-11-21.xlsx",
                                      "incentive-assessment_Café-l'Été_2026-11-21.xlsx"])
def test_content_disposition_keeps_the_name_for_browsers_and_has_an_ascii_fallback(filename):
    header = content_disposition(filename)
    header.encode("ascii")  # a header value must be plain ASCII
    assert header.startswith("attachment; filename=\"") and "filename*=UTF-8''" in header
    assert parse_options_header(header)[1]["filename"] == filename  # werkzeug prefers filename*, as browsers do
    extended = header.split("filename*=", 1)[1]
    charset, _, encoded = extended.split("'", 2)
    assert charset == "UTF-8" and unquote(encoded, encoding="utf-8") == filename
    assert re.fullmatch(r"[A-Za-z0-9!#$&+.^_`|~%-]+", encoded)  # RFC 5987 attr-chars and %XX only
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.startswith("incentive-assessment_") and fallback.endswith(".xlsx")


def test_content_disposition_cannot_be_used_to_inject_headers():
    header = content_disposition('a"b\r\nSet-Cookie: x=1.xlsx')
    assert "\r" not in header and "\n" not in header
    assert parse_options_header(header)[1]["filename"] == 'a"bSet-Cookie: x=1.xlsx'


def test_the_mimetype_is_the_xlsx_one():
    assert XLSX_MIMETYPE == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the export command ---------------------------------------------------------------------------
def test_export_writes_the_workbook_in_the_chosen_language(capsys, tmp_path):
    out = tmp_path / "x.xlsx"
    code = main(["export", QIANHAI, "-o", str(out), "--lang", "zh", "--as-of", "2026-11-21"])
    assert code == 0 and str(out) in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames[0] == sheet_name("summary", "zh")
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_export_into_a_directory_uses_the_suggested_name(capsys, tmp_path):
    assert main(["export", QIANHAI, "-o", str(tmp_path), "--lang", "zh", "--as-of", "2026-11-21"]) == 0
    assert (tmp_path / "激励测算_Qianhai-Cross-Border-AI-Services_2026-11-21.xlsx").exists()


def test_export_to_standard_output(capsysbinary):
    assert main(["export", QIANHAI, "-o", "-", "--as-of", "2026-11-21"]) == 0
    data = capsysbinary.readouterr().out
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Summary"


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "not valid JSON"),
    ('{"company": {"revenue_latest": -1}}', "company.revenue_latest"),
    ("{}", "company"),
])
def test_export_bad_input_exits_2_with_a_message_and_writes_nothing(capsys, tmp_path, content, needle):
    profile = tmp_path / "p.json"
    profile.write_text(content, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code = main(["export", str(profile), "-o", str(out)])
    _, err = capsys.readouterr()
    assert code == 2 and needle in err and "Traceback" not in err
    assert not out.exists()


def test_export_to_an_unwritable_place_exits_2_with_a_message(capsys, tmp_path):
    code = main(["export", QIANHAI, "-o", str(tmp_path / "missing" / "x.xlsx"), "--lang", "zh"])
    _, err = capsys.readouterr()
    assert code == 2 and "无法写入文件" in err and "Traceback" not in err


def test_export_through_a_symbolic_link_replaces_the_target_and_keeps_the_link(capsys, tmp_path):
    target = tmp_path / "shared" / "client.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "latest.xlsx"
    link.symlink_to(target)
    assert main(["export", QIANHAI, "-o", str(link), "--as-of", "2026-11-21"]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert load_workbook(target).sheetnames[0] == "Summary"
    assert sorted(p.name for p in target.parent.iterdir()) == ["client.xlsx"]  # no partial file left


def test_export_into_a_named_pipe_writes_into_it_and_leaves_the_pipe(capsys, tmp_path):
    """A pipe (or a device such as /dev/stdout) is written into, never replaced by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = {}

    def read() -> None:
        with fifo.open("rb") as handle:
            received["data"] = handle.read()

    reader = threading.Thread(target=read)
    reader.start()
    code = main(["export", QIANHAI, "-o", str(fifo), "--as-of", "2026-11-21"])
    reader.join(timeout=30)
    assert code == 0 and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert load_workbook(io.BytesIO(received["data"])).sheetnames[0] == "Summary"


def test_piping_the_cli_into_head_ends_quietly(tmp_path):
    """`incentives evaluate … | head -1`: no BrokenPipeError traceback; the command ends as Unix tools do."""
    command = [str(Path(sys.executable).with_name("incentives")), "evaluate", QIANHAI, "--as-of", "2026-11-21"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().strip() == b"{"
    process.stdout.close()  # the reader goes away, as head does after its line
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert process.returncode in (0, -signal.SIGPIPE)
