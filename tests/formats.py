"""The same two articles, a wire story and its copy, written in each input format: where do reports point?

Each ``write_*`` writes its input in a folder and returns its name (a file of records, with the
lines, or None, reports should point at for the wire story and the copy); ``scan`` reads inputs as
the CLI does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from dupecheck.core import find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import ScanReport

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."
WIRE = f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"
COPY = f"By Staff Writer\n\n{LEAD}\n\n{VOTE}"
"""The copy: the wire story's first two paragraphs under a byline, a rewrite of it."""
RECORDS = ({"id": "wire", "text": WIRE}, {"id": "copy", "text": COPY})

Place = tuple[str, int | None, int | None]
"""An input's path, and the line reports point at for the wire story and for the copy (None: no line)."""


def scan(*paths: str, stdin: bytes | None = None) -> ScanReport:
    """The scan of ``paths`` (``-`` reads ``stdin``), with what could not be read."""
    loaded = load_paths(list(paths), stdin=io.BytesIO(stdin) if stdin is not None else None)
    return find_duplicates(loaded.articles, skipped=loaded.skipped)


def write_csv(folder: Path) -> Place:
    """A CSV file: the wire story's row starts on line 2, the copy's (after its text's 5 lines) on 7."""
    path = folder / "feed.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([record["id"], record["text"]] for record in RECORDS)
    return path.name, 2, 7


def write_json(folder: Path) -> Place:
    """A JSON array, indented: the wire story's object starts on line 2, the copy's on 6."""
    path = folder / "feed.json"
    path.write_text(json.dumps(RECORDS, indent=2) + "\n", encoding="utf-8")
    return path.name, 2, 6


def write_parquet(folder: Path) -> Place:
    """A Parquet file: rows, not lines."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "feed.parquet"
    pq.write_table(pa.table({key: [record[key] for record in RECORDS] for key in ("id", "text")}), path)
    return path.name, None, None


def write_page(folder: Path) -> str:
    """A web page holding the wire story, its text well below the page's first lines."""
    path = folder / "page.html"
    paragraphs = "".join(f"<p>{paragraph}</p>\n" for paragraph in WIRE.split("\n\n"))
    path.write_text(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Barrier vote</title>\n</head>\n<body>\n"
        f"<nav><a href='/'>Home</a></nav>\n<article>\n{paragraphs}</article>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return path.name


def write_wire(folder: Path, *, front_matter: str = "", newline: str = "\n") -> str:
    """The wire story as a text file, or as Markdown below ``front_matter``; lines end in ``newline``."""
    path = folder / ("wire.md" if front_matter else "wire.txt")
    path.write_bytes((front_matter + WIRE).replace("\n", newline).encode())
    return path.name


def write_copy(folder: Path) -> str:
    """The copy as a text file: its byline on line 1, the wire story's paragraphs on lines 3 and 5."""
    path = folder / "copy.txt"
    path.write_text(COPY, encoding="utf-8")
    return path.name


def jsonl_stdin() -> bytes:
    """JSON Lines for standard input, after a blank line: the wire story on line 2, the copy on 3."""
    return ("\n" + "".join(json.dumps(record) + "\n" for record in RECORDS)).encode()
