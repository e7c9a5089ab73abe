"""Coverage-guided fuzzing (atheris) of the loaders, the segmenter and the pipeline.

Run with ``make fuzz`` (bounded time). Any exception other than the reasons the
loader reports as skipped inputs is a bug.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from dupecheck.core import find_duplicates
    from dupecheck.load import load_paths
    from dupecheck.model import Article
    from dupecheck.segment import paragraph_spans

_FOLDER = Path(tempfile.mkdtemp(prefix="dupecheck-fuzz-"))


def test_one_input(data: bytes) -> None:
    """Feed one input to the segmenter, both loaders and the whole pipeline."""
    provider = atheris.FuzzedDataProvider(data)
    suffix = provider.ConsumeIntInRange(0, 1)
    raw = provider.ConsumeBytes(provider.remaining_bytes())
    path = _FOLDER / ("input.jsonl" if suffix else "input.txt")
    path.write_bytes(raw)
    loaded = load_paths([path], max_bytes=1 << 16)
    assert len(loaded.articles) + len(loaded.skipped) >= 1 or not raw.strip()
    text = raw.decode("utf-8", errors="replace")
    for start, end in paragraph_spans(text):
        assert 0 <= start < end <= len(text)
    articles = [*loaded.articles, Article("fuzz-copy", text + "\n\n" + text)]
    find_duplicates(articles)


def main() -> None:
    """Entry point: libFuzzer flags (-max_total_time=N ...) come from the command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
