"""Coverage-guided fuzzing of marsad's input paths with atheris (libFuzzer for Python).

    PYTHONPATH=src python bench/fuzz.py TARGET [--seconds N] [--out DIR]
    PYTHONPATH=src python bench/fuzz.py --all --seconds 600
    PYTHONPATH=src python bench/fuzz.py --list

Targets (bench/fuzz_targets.py): normalise (normaliser + tokeniser), dates, html (page
extraction), ner (recognisers + quotes), jsonl, csv, warc, text (the file readers), feed
(RSS/Atom parser), search (the search page's query path on an 80-article database).

Each target runs in its own process for N seconds, started from the test suite's fixtures
(corpus in DIR/TARGET/corpus). Only MarsadError may escape a target; any other exception, a
broken invariant (offsets outside the text, normalising twice differs from once, an article
field of the wrong type) or one input that takes over SLOW seconds is a finding: it is kept
once per kind (exception type and where it was raised) in DIR/TARGET/findings/ and listed
in DIR/TARGET/findings.jsonl, and the fuzzing goes on. The summary line of each target
(executions, seconds, executions/s, findings) is printed and appended to
DIR/summary.jsonl. Without atheris installed a plain random mutator is used instead (no
coverage guidance) and the summary says so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_targets import TARGETS, seeds  # noqa: E402

SLOW = 5.0  # seconds for one input: longer is a finding
MAX_LEN = {"html": 65536, "warc": 65536, "feed": 32768, "search": 12000, "csv": 8192}
# libFuzzer grows input lengths slowly (search reached 228 bytes in 6 minutes); a query's
# cost grows with its length, so search tries long inputs from the start.
EXTRA = {"search": ["-len_control=0"]}


class Recorder:
    """Runs the target on each input, keeps the first input of each kind of finding."""

    def __init__(self, target: str, out: Path) -> None:
        self.out = out
        (out / "findings").mkdir(parents=True, exist_ok=True)
        self.known = set()
        if (out / "findings.jsonl").exists():
            for line in (out / "findings.jsonl").read_text().splitlines():
                self.known.add(json.loads(line)["kind"])
        self.runs = 0
        self.started = time.monotonic()
        from marsad.errors import MarsadError

        self.expected = MarsadError
        self.run = self._setup(target)

    @staticmethod
    def _setup(target: str):
        try:
            import atheris
        except ImportError:
            return TARGETS[target]()
        with atheris.instrument_imports(include=["marsad", "feedparser", "warcio"]):
            return TARGETS[target]()

    def __call__(self, data: bytes) -> None:
        self.runs += 1
        began = time.monotonic()
        try:
            self.run(data)
        except self.expected:
            pass
        except RecursionError as exc:  # before Exception: its traceback is huge
            self._found(data, exc, "RecursionError")
        except Exception as exc:
            self._found(data, exc, None)
        took = time.monotonic() - began
        if took > SLOW:
            self._found(data, None, f"slow: one input of {len(data)} bytes took > {SLOW:.0f} s")
        if self.runs % 1000 == 0:
            self.write_stats()

    def _found(self, data: bytes, exc: BaseException | None, kind: str | None) -> None:
        where = ""
        if exc is not None:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "marsad" in f.filename]
            frame = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
            kind = kind or f"{type(exc).__name__} at {where}"
            if type(exc).__name__ == "Broken":
                kind = f"invariant: {exc}"
        assert kind is not None
        if kind in self.known:
            return
        self.known.add(kind)
        digest = hashlib.sha1(data).hexdigest()[:12]
        (self.out / "findings" / f"{digest}.bin").write_bytes(data)
        entry = {"kind": kind, "input": f"findings/{digest}.bin", "bytes": len(data)}
        if exc is not None:
            entry["message"] = str(exc)[:300]
        with (self.out / "findings.jsonl").open("a") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        print(f"FINDING {kind}", file=sys.stderr, flush=True)
        self.write_stats()

    def write_stats(self) -> None:
        seconds = time.monotonic() - self.started
        stats = {"runs": self.runs, "seconds": round(seconds, 1), "findings": len(self.known)}
        (self.out / "stats.json").write_text(json.dumps(stats))


def _child(target: str, seconds: int, out: Path) -> None:
    """Runs in the fuzzing process: atheris until the time is up."""
    logging.disable(logging.WARNING)  # the readers log each bad record: millions of lines
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for seed in seeds(target):
            (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    recorder = Recorder(target, out)
    try:
        import atheris
    except ImportError:
        _random_fuzz(recorder, [p.read_bytes() for p in corpus.iterdir()], seconds)
        return
    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN.get(target, 4096)}",
        "-timeout=300",
        "-rss_limit_mb=4096",
        "-print_final_stats=1",
        *EXTRA.get(target, []),
    ]
    atheris.Setup(argv, recorder)
    atheris.Fuzz()


def _random_fuzz(recorder: Recorder, corpus: list[bytes], seconds: int) -> None:
    """Without atheris: random byte mutations and splices of the seeds."""
    rng = random.Random(16)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        data = bytearray(rng.choice(corpus))
        for _ in range(rng.randint(1, 8)):
            op = rng.randrange(4)
            at = rng.randrange(len(data) + 1)
            if op == 0 and data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
            elif op == 1:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
            elif op == 2:
                del data[at : at + rng.randint(1, 64)]
            else:
                other = rng.choice(corpus)
                cut = rng.randrange(len(other) + 1)
                data[at:at] = other[cut : cut + rng.randint(1, 256)]
        recorder(bytes(data))
    recorder.write_stats()
    print(f"Done {recorder.runs} runs in {seconds} second(s)", file=sys.stderr)


def fuzz(target: str, seconds: int, out: Path) -> dict:
    """Fuzz one target in a child process; its summary."""
    where = out / target
    where.mkdir(parents=True, exist_ok=True)
    log = where / "fuzz.log"
    began = time.monotonic()
    with log.open("w") as fh:
        subprocess.run(
            [sys.executable, __file__, "--child", target, "--seconds", str(seconds), "--out", str(out)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=os.environ,
            check=False,
        )  # fmt: skip
    wall = time.monotonic() - began
    text = log.read_text(errors="replace")
    done = re.search(r"Done (\d+) runs in (\d+) second", text)
    stats = (
        json.loads((where / "stats.json").read_text()) if (where / "stats.json").exists() else {}
    )
    runs = int(done.group(1)) if done else stats.get("runs", 0)
    findings = []
    if (where / "findings.jsonl").exists():
        findings = [json.loads(x) for x in (where / "findings.jsonl").read_text().splitlines()]
    try:
        import atheris  # noqa: F401

        engine = "atheris"
    except ImportError:
        engine = "random mutation (atheris not installed)"
    summary = {
        "target": target,
        "engine": engine,
        "seconds": round(wall),
        "runs": runs,
        "runs_per_s": round(runs / max(wall, 1), 1),
        "findings": [f["kind"] for f in findings],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    with (out / "summary.jsonl").open("a") as fh:
        fh.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--all", action="store_true", help="every target, one after another")
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--out", type=Path, default=Path("/tmp/marsad-fuzz"))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        _child(args.child, args.seconds, args.out / args.child)
        return
    if args.list:
        print("\n".join(TARGETS))
        return
    targets = list(TARGETS) if args.all else [args.target]
    if targets == [None]:
        parser.error("name a TARGET or --all")
    for target in targets:
        print(json.dumps(fuzz(target, args.seconds, args.out), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
