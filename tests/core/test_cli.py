"""The command line, run as a user runs it (a real process, a real database file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.store.database import Store
from marsad.web.app import create_app
from marsad_testing import DATA


def run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MARSAD_DATABASE_URL", None)
    env["MARSAD_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_ingest_then_entity_json_equals_the_api(tmp_path):
    env = make_env(tmp_path)
    assert run(["kb", "load", str(DATA / "kb_small.jsonl")], env).returncode == 0
    result = run(["ingest", str(DATA / "articles_small.jsonl")], env)
    assert result.returncode == 0, result.stderr
    assert "new 8, duplicates 1" in result.stdout
    assert (tmp_path / "data" / "marsad.db").exists()  # default database in the data dir

    printed = run(["entity", "سيرجي لافروف", "--json"], env)
    assert printed.returncode == 0, printed.stderr
    cli_json = json.loads(printed.stdout)

    settings = load_settings(env)
    api_json = (
        TestClient(create_app(Store(settings.database_url), settings))
        .get("/api/entity/لافروف")
        .json()
    )
    assert cli_json == api_json
    assert cli_json["article_count"] == 4


def test_entity_profile_and_stats_print_arabic_text(tmp_path):
    env = make_env(tmp_path)
    run(["kb", "load", str(DATA / "kb_small.jsonl")], env)
    run(["ingest", str(DATA / "articles_small.jsonl")], env)
    profile = run(["entity", "لافروف"], env)
    assert "سيرغي لافروف (شخص)" in profile.stdout
    assert "جون كيري" in profile.stdout
    assert "ماذا قال سيرغي لافروف؟" in profile.stdout
    assert "«الحل السياسي هو الطريق الوحيد»" in profile.stdout
    stats = run(["stats"], env)
    assert "articles: 8" in stats.stdout


def test_unknown_entity_is_a_clear_error_without_traceback(tmp_path):
    result = run(["entity", "لا أحد"], make_env(tmp_path))
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_ingest_reports_bad_files_and_keeps_good_ones(tmp_path):
    env = make_env(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "وزير الخارجية في دمشق\nالأربعاء 25 شباط 2015\nوصل الوزير إلى دمشق اليوم.", encoding="utf-8"
    )
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "empty.txt").write_text("\n\n", encoding="utf-8")
    result = run(["ingest", str(folder)], env)
    assert result.returncode == 1  # some input failed; the rest is stored
    assert "new 1" in result.stdout and "errors 2" in result.stdout
    assert "binary" in result.stderr
    settings = load_settings(env)
    row = Store(settings.database_url).latest_articles(1)[0]
    assert row["title"] == "وزير الخارجية في دمشق" and row["day"] == "2015-02-25"


def test_ingest_reads_jsonl_from_stdin(tmp_path):
    env = make_env(tmp_path)
    line = json.dumps(
        {"title": "خبر من الإدخال القياسي", "text": "نص قصير عن بيروت.", "source": "stdin-test"},
        ensure_ascii=False,
    )
    result = run(["ingest", "-"], env, stdin=line + "\n")
    assert "new 1" in result.stdout, result.stderr


def test_ingest_with_workers_reads_stdin_and_stores_a_copy_once(tmp_path):
    env = make_env(tmp_path)
    story = {"title": "لافروف في أنقرة", "text": "وصل وزير الخارجية الروسي سيرغي لافروف إلى أنقرة."}
    lines = [
        json.dumps(story | {"source": "sana"}, ensure_ascii=False),
        json.dumps(story | {"source": "rt"}, ensure_ascii=False),
    ]
    result = run(["ingest", "--workers", "2", "-"], env, stdin="\n".join(lines) + "\n")
    assert "new 1, duplicates 1" in result.stdout, result.stderr
    people = run(["entity", "سيرغي لافروف", "--json"], env)
    assert people.returncode == 0, people.stderr


def test_generate_is_deterministic(tmp_path):
    env = make_env(tmp_path)
    a = run(["generate", "--articles", "30", "--end", "2026-11-01"], env).stdout
    b = run(["generate", "--articles", "30", "--end", "2026-11-01"], env).stdout
    assert a == b and len(a.splitlines()) == 30
    first = json.loads(a.splitlines()[0])
    assert {"title", "text", "source", "published", "entities"} <= first.keys()


def test_serve_with_two_workers_answers_pages(tmp_path):
    import socket
    import time

    import httpx

    env = make_env(tmp_path)
    run(["ingest", str(DATA / "articles_small.jsonl")], env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, stats = time.time() + 60, None
        while time.time() < deadline and stats is None:
            try:
                stats = httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=5).json()
            except httpx.HTTPError:
                time.sleep(0.3)
        assert stats is not None and stats["articles"] == 8
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_quotes_and_reprocess_commands_rebuild_what_ingest_found(tmp_path):
    env = make_env(tmp_path)
    run(["kb", "load", str(DATA / "kb_small.jsonl")], env)
    assert run(["ingest", str(DATA / "articles_small.jsonl")], env).returncode == 0
    before = json.loads(run(["entity", "لافروف", "--json"], env).stdout)
    assert before["quotes"]

    quotes = run(["quotes"], env)
    assert quotes.returncode == 0, quotes.stderr
    stored, _, said = quotes.stdout.strip().partition(" ")
    assert said == "quotes stored" and int(stored) >= len(before["quotes"])
    assert json.loads(run(["entity", "لافروف", "--json"], env).stdout) == before

    again = run(["reprocess", "--batch", "3"], env)
    assert again.returncode == 0, again.stderr
    assert "8 articles re-processed" in again.stdout
    assert json.loads(run(["entity", "لافروف", "--json"], env).stdout) == before


def test_demo_builds_the_sample_and_serves_the_pages(tmp_path):
    """README's first command: ``marsad demo`` ingests the sample and serves the site."""
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "demo", "--articles", "150", "--port", str(port)],
        env=make_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base, home = f"http://127.0.0.1:{port}", None
        deadline = time.time() + 90
        while time.time() < deadline and home is None:
            try:
                home = httpx.get(base + "/", timeout=10)
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.3)
        assert home is not None and home.status_code == 200
        assert "مرصد" in home.text and 'dir="rtl"' in home.text
        entity = httpx.get(base + "/entity/لافروف", timeout=10)
        assert entity.status_code == 200 and "سيرغي لافروف" in entity.text
        assert httpx.get(base + "/api/entity/لافروف", timeout=10).json()["total_articles"] > 0
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_ctrl_c_during_ingest_keeps_what_was_stored_and_says_how_to_go_on(tmp_path):
    import re
    import signal

    env = make_env(tmp_path)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(run(["generate", "--articles", "2200"], env).stdout, encoding="utf-8")
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    ingest = subprocess.Popen(  # reads a pipe left open: it cannot end before the signal
        [sys.executable, "-m", "marsad.cli", "ingest", "-"],
        env=env,
        # Ctrl-C as a terminal gives it, also where the tests run with SIGINT ignored (a
        # background job, nohup), which the child would inherit and never see the signal
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert ingest.stdin is not None and ingest.stderr is not None
    ingest.stdin.write("".join(lines[:1100]))
    ingest.stdin.flush()
    first = ingest.stderr.readline()  # progress after the first thousand articles
    assert re.match(r"10\d\d articles: \d+ new, \d+ duplicates", first), first
    ingest.send_signal(signal.SIGINT)
    assert ingest.wait(timeout=60) == 130  # the pipe still open: no end of input to reach
    err = ingest.stderr.read()
    ingest.stdin.close()
    assert "run the same command again" in err
    stored = Store(load_settings(env).database_url).stats()["articles"]
    assert 500 <= stored < 2200
    again = run(["ingest", str(dump)], env)  # goes on where it stopped
    new = int(re.search(r"new (\d+)", again.stdout).group(1))
    assert new > 0
    assert Store(load_settings(env).database_url).stats()["articles"] == stored + new


def test_ingest_with_deferred_analysis_then_analyse(tmp_path):
    inline, deferred = make_env(tmp_path / "inline"), make_env(tmp_path / "deferred")
    for env in (inline, deferred):
        run(["kb", "load", str(DATA / "kb_small.jsonl")], env)
    assert run(["ingest", str(DATA / "articles_small.jsonl")], inline).returncode == 0
    stored = run(["ingest", "--defer-analysis", str(DATA / "articles_small.jsonl")], deferred)
    assert stored.returncode == 0, stored.stderr
    assert "8 articles wait for analysis: run `marsad analyse`" in stored.stdout
    assert "pending_analysis: 8" in run(["stats"], deferred).stdout

    analysed = run(["analyse", "--batch", "3"], deferred)
    assert analysed.returncode == 0, analysed.stderr
    assert "8 articles analysed" in analysed.stdout
    assert "pending_analysis: 0" in run(["stats"], deferred).stdout
    page = json.loads(run(["entity", "لافروف", "--json"], deferred).stdout)
    assert page == json.loads(run(["entity", "لافروف", "--json"], inline).stdout)
    assert page["quotes"] and page["total_articles"] >= 3


def test_demo_writes_its_sample_into_its_own_folder_not_the_users_database(tmp_path):
    env = make_env(tmp_path)
    done = run(["demo", "--articles", "10", "--no-serve"], env)
    assert done.returncode == 0, done.stderr
    demo_db = tmp_path / "data" / "demo" / "marsad.db"
    assert demo_db.exists() and str(demo_db) in done.stderr
    assert not (tmp_path / "data" / "marsad.db").exists()
    assert "articles: 0" in run(["stats"], env).stdout  # the user's database stays empty
    chosen = tmp_path / "elsewhere"
    assert run(["demo", "--articles", "10", "--no-serve", "--data-dir", str(chosen)],
               env).returncode == 0  # fmt: skip
    assert (chosen / "marsad.db").exists()


def test_a_taken_port_is_a_clear_message_naming_the_port_option(tmp_path):
    import socket

    env = make_env(tmp_path)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        for command in (["serve"], ["demo", "--articles", "40"]):
            done = run([*command, "--port", str(port)], env)
            assert done.returncode == 1
            assert f"port {port}" in done.stderr and "--port" in done.stderr
            assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "demo" / "marsad.db").exists()  # checked before any work


def test_version_prints_the_installed_version(tmp_path):
    from importlib.metadata import version

    done = run(["--version"], make_env(tmp_path))
    assert done.returncode == 0 and done.stdout.strip() == f"marsad {version('marsad')}"
