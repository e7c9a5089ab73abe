from __future__ import annotations

from gate import WIRE, sample

from dupecheck.document import build_document
from dupecheck.fingerprint import content_fingerprint, text_fingerprint
from dupecheck.model import Article
from dupecheck.settings import Settings


def _fingerprint(text: str, settings: Settings | None = None) -> str:
    return content_fingerprint(build_document(Article("x", text), settings or Settings()))


def test_whitespace_and_case_do_not_change_a_fingerprint() -> None:
    text = sample(WIRE)
    rewrapped = text.replace(". ", ".\n", 4).replace("\n\n", " \n\n  ") + "\n"
    assert _fingerprint(rewrapped) == _fingerprint(text)
    assert text_fingerprint("Storm  “surge”") == text_fingerprint('storm "surge"')


def test_words_change_a_fingerprint() -> None:
    text = sample(WIRE)
    assert _fingerprint(text.replace("council", "committee", 1)) != _fingerprint(text)


def test_site_furniture_does_not_change_a_fingerprint() -> None:
    text = sample(WIRE)
    assert _fingerprint(text + "\n\nLeave a Reply\n") == _fingerprint(text)


def test_settings_do_not_change_a_fingerprint() -> None:
    text = sample(WIRE)
    assert _fingerprint(text, Settings(min_terms=40)) == _fingerprint(text)
