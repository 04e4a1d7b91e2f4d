"""The fuzz targets of bench/fuzz.py: each turns bytes into one call of marsad and checks its
invariants. Only marsad's own errors (MarsadError) may escape; anything else, or a broken
invariant, is a finding.

Each target is ``setup() -> run(data: bytes)``; setup builds what the target needs once
(a recogniser, a small database) and returns the function called per input.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

Run = Callable[[bytes], None]


class Broken(AssertionError):
    """An invariant does not hold (a finding, like an unexpected exception)."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Broken(message)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _reference(data: bytes) -> datetime | None:
    """A reference time taken from the first bytes of the input (or none)."""
    if len(data) < 3 or data[0] % 4 == 0:
        return None
    days = int.from_bytes(data[1:3], "big") * 3  # about 1970–2508
    zone = timezone(timedelta(hours=(data[0] % 27) - 13))
    return datetime(1970, 1, 1, tzinfo=UTC).astimezone(zone) + timedelta(days=days)


def _tmpfile(suffix: str) -> Path:
    where = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    return where / f"marsad-fuzz-{os.getpid()}{suffix}"


# --------------------------------------------------------------------------- invariants


def check_articles(articles: list) -> None:
    """What every reader promises of an Article: typed fields, some text."""
    for a in articles:
        check(isinstance(a.title, str) and isinstance(a.text, str), "title/text not str")
        check(bool(a.title.strip() or a.text.strip()), "article without title and text")
        for name in ("url", "place", "agency", "author"):
            value = getattr(a, name)
            check(value is None or isinstance(value, str), f"{name} is {type(value).__name__}")
        check(isinstance(a.source.slug, str) and isinstance(a.source.name, str), "source")
        check(a.published is None or a.published.tzinfo is not None, "naive published")


def check_spans(content: str, spans: list[tuple[int, int, str]], what: str) -> None:
    for start, end, surface in spans:
        check(0 <= start < end <= len(content), f"{what} span {start}:{end} out of text")
        check(content[start:end] == surface, f"{what} text differs from its span")


# --------------------------------------------------------------------------- targets


def normalise_target() -> Run:
    from marsad.arabic.normalise import normalise
    from marsad.arabic.tokenise import tokenise

    def run(data: bytes) -> None:
        text = _text(data)
        once = normalise(text)
        check(normalise(once) == once, "normalise(normalise(x)) != normalise(x)")
        for t in tokenise(text):
            check(0 <= t.start < t.end <= len(text), "token out of text")
            check(text[t.start : t.end] == t.text, "token text differs from its span")
            check(t.start <= t.name_start <= t.end, "name start outside its token")

    return run


def dates_target() -> Run:
    from marsad.extract.dates import find_dates

    def run(data: bytes) -> None:
        reference, text = _reference(data), _text(data[3:])
        found = find_dates(text, reference)
        check_spans(text, [(m.start, m.end, m.text) for m in found], "date")
        for m in found:
            check(m.value.tzinfo is not None, "naive date value")

    return run


def html_target() -> Run:
    from marsad.extract.html import extract_articles

    def run(data: bytes) -> None:
        check_articles(extract_articles(data, url="https://news.example/2024/05/01/a.html"))

    return run


def ner_target() -> Run:
    from marsad.entities.quotes import find_quotes
    from marsad.generate.corpus import kb_records
    from marsad.models import content_of
    from marsad.ner import load_default
    from marsad.ner.combined import CombinedRecogniser
    from marsad.ner.gazetteer import GazetteerRecogniser
    from marsad.store.database import StoredMention

    names = [(n, r["type"]) for r in kb_records() for n in [r["name"], *r.get("aliases", [])]]
    recogniser = CombinedRecogniser([GazetteerRecogniser(names), load_default()])

    def run(data: bytes) -> None:
        title, _, text = _text(data).partition("\n")
        content = content_of(title, text)
        mentions = recogniser.recognise(content)
        check_spans(content, [(m.start, m.end, m.text) for m in mentions], "mention")
        stored = [StoredMention(i % 7, m.start, m.end, m.text) for i, m in enumerate(mentions)]
        for q in find_quotes(content, stored, {0: "LOCATION", 1: "ORGANIZATION"}):
            check(0 <= q.start < q.end <= len(content), "quote out of text")
            check(0 <= q.speaker_start < len(content), "speaker out of text")

    return run


def jsonl_target() -> Run:
    from marsad.sources.files import Problems, articles_from_jsonl_lines

    def run(data: bytes) -> None:
        lines = _text(data).splitlines(keepends=True)
        check_articles(list(articles_from_jsonl_lines(lines, "fuzz", None, Problems("fuzz"))))

    return run


def _file_target(suffix: str, reader_name: str) -> Run:
    """A reader of whole files (``sources.files.<reader_name>``) fed the input as a file."""
    from marsad.sources import files

    reader = getattr(files, reader_name)
    path = _tmpfile(suffix)

    def run(data: bytes) -> None:
        path.write_bytes(data)
        check_articles(list(reader(path, None, files.Problems("fuzz"))))

    return run


def csv_target() -> Run:
    return _file_target(".csv", "articles_from_csv")


def warc_target() -> Run:
    return _file_target(".warc", "articles_from_warc")


def text_target() -> Run:
    from marsad.extract.encoding import decode_bytes
    from marsad.models import Source
    from marsad.sources.files import articles_from_text_file

    source = Source("fuzz", "fuzz")

    def run(data: bytes) -> None:
        check_articles(articles_from_text_file(decode_bytes(data), source))

    return run


def feed_target() -> Run:
    from marsad.sources.feeds import parse_feed

    def run(data: bytes) -> None:
        feed = parse_feed(data, "https://news.example/feed.xml")
        for item in feed.items:
            check(isinstance(item.url, str) and isinstance(item.title, str), "item fields")
            check(item.published is None or item.published.tzinfo is not None, "naive date")

    return run


def search_target() -> Run:
    from marsad import pages
    from marsad.config import load_settings
    from marsad.entities.kb import load_kb
    from marsad.generate.corpus import kb_records
    from marsad.ingest import generated_articles
    from marsad.pipeline import Pipeline
    from marsad.store.database import Store

    folder = Path(tempfile.mkdtemp(prefix="marsad-fuzz-search-"))
    settings = load_settings(
        {"MARSAD_DATA_DIR": str(folder), "MARSAD_DATABASE_URL": f"sqlite:///{folder / 's.db'}"}
    )
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    Pipeline(store, settings).ingest(generated_articles(80))

    def run(data: bytes) -> None:
        page = 1 + data[0] % 3 if data else 1
        page_data = pages.search_page(store, _text(data[1:]), page=page)
        check(page_data.total >= 0, "negative total")
        for a in page_data.articles:
            if a.highlight is not None:
                check(0 <= a.highlight[0] <= a.highlight[1] <= len(a.snippet), "highlight")

    return run


TARGETS: dict[str, Callable[[], Run]] = {
    "normalise": normalise_target,
    "dates": dates_target,
    "html": html_target,
    "ner": ner_target,
    "jsonl": jsonl_target,
    "csv": csv_target,
    "warc": warc_target,
    "text": text_target,
    "feed": feed_target,
    "search": search_target,
}


# --------------------------------------------------------------------------- seeds


def _warc_seed() -> bytes:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    page = (DATA / "pages" / "rt-00.html").read_bytes()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
    record = writer.create_warc_record(
        "https://news.example/a.html", "response", payload=io.BytesIO(page), http_headers=headers
    )
    writer.write_record(record)
    return out.getvalue()


def seeds(target: str) -> list[bytes]:
    """Real inputs to start from (the fixtures of the test suite)."""
    lines = (DATA / "articles_small.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    texts = [f"{r['title']}\n{r['text']}".encode() for r in records]
    pages = sorted((DATA / "pages").glob("*.html"))[:12] + sorted((DATA / "pages").glob("*.bin"))
    if target in ("normalise", "ner", "text"):
        return texts
    if target == "dates":
        rows = (DATA / "dates_table.tsv").read_text(encoding="utf-8").splitlines()
        return [b"\x01\x4e\x20" + r.split("\t")[0].encode() for r in rows[1:200] if r]
    if target == "html":
        return [p.read_bytes() for p in pages]
    if target == "jsonl":
        return [line.encode() + b"\n" for line in lines]
    if target == "csv":
        head = "title,text,source,url,published\n"
        return [
            (head + f'"{r["title"]}","{r["text"]}",{r["source"]},{r["url"]},{r["published"]}\n')
            .encode()
            for r in records
        ]  # fmt: skip
    if target == "warc":
        return [_warc_seed()]
    if target == "feed":
        return [p.read_bytes() for p in sorted((DATA / "feeds").glob("*")) if p.is_file()]
    if target == "search":
        return [b"\x00" + w.encode() for w in ("لافروف", "وزير الخارجية", "بوتين موسكو", "ال")]
    raise KeyError(target)
