from __future__ import annotations

from pathlib import Path

import pytest

from dupecheck.boilerplate import dateline, furniture, furniture_reason, read_patterns
from dupecheck.document import build_document
from dupecheck.errors import SettingsError
from dupecheck.model import Article, ParagraphKind
from dupecheck.settings import Settings


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("Related Articles", "related links"),
        ("Leave a Reply", "comment form"),
        ("Your email address will not be published.", "comment form"),
        ("Subscribe to our newsletter", "newsletter blurb"),
        ("Reporting by Ann Lee; editing by Bo Chan", "credit line"),
        ("Staff reporters in Leeds and York contributed to this report.", "credit line"),
        ("AP", "agency credit"),
        ("-----------------------", "rule line"),
        ("16:52 01/03/00: Page 1 (HHH) COURTS Smith", "wire page header"),
        ("  • Politics\n  • Sport\n  • Weather", "link list"),
    ],
)
def test_site_and_wire_furniture_is_named(paragraph: str, reason: str) -> None:
    assert furniture_reason(paragraph) == reason


@pytest.mark.parametrize(
    "paragraph",
    [
        "The council voted 11 to 4 to fund the barrier, the mayor said.",
        "Subscribers to the ferry service will get refunds for every cancelled crossing this month, "
        "the operator said, as the strike entered its third day and the harbour stayed closed.",
    ],
)
def test_article_text_is_not_furniture(paragraph: str) -> None:
    assert furniture_reason(paragraph) == ""


def test_everything_below_related_articles_is_marked() -> None:
    paragraphs = ["Body one " * 20, "Body two " * 20, "Related Articles", "Teaser of another story", "More"]
    reasons = furniture(paragraphs, [len(p) for p in paragraphs])
    assert reasons[:2] == ("", "")
    assert reasons[2] == "related links"
    assert reasons[3].startswith("below 'Related Articles'")


def test_a_navigation_bar_above_the_article_does_not_swallow_it() -> None:
    paragraphs = ["Related Articles", "Body one " * 20, "Body two " * 20]
    assert furniture(paragraphs, [len(p) for p in paragraphs])[1:] == ("", "")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("WASHINGTON (AP) — Senators met on Friday.", "WASHINGTON (AP) —"),
        ("CALDERPORT, Nov. 3 (NWS) — The council voted.", "CALDERPORT, Nov. 3 (NWS) —"),
        ("LONDON, March 3 (Reuters) - Shares fell.", "LONDON, March 3 (Reuters) -"),
        ("NEW PORT TALBRIDGE — The ferry left late.", "NEW PORT TALBRIDGE —"),
        ("The council voted - narrowly - to fund it.", ""),
        ("A (B) — no.", ""),
    ],
)
def test_datelines(paragraph: str, expected: str) -> None:
    assert dateline(paragraph) == expected


def test_the_dateline_is_left_out_of_the_first_paragraphs_terms_only() -> None:
    text = (
        "Ferry fares to rise\n\n"
        "WRENMOUTH, May 4 (NWS) — The harbour board raised ferry fares by a tenth on Monday.\n\n"
        "WRENMOUTH (NWS) — A second paragraph that starts like a dateline keeps every term."
    )
    headline, first, second = build_document(Article("a", text), Settings()).paragraphs
    assert first.kind is ParagraphKind.CONTENT
    assert first.reason == "dateline left out of matching: 'WRENMOUTH, May 4 (NWS) —'"
    assert "wrenmouth" not in first.terms and "nws" not in first.terms and "harbour" in first.terms
    assert "wrenmouth" in second.terms and second.reason == ""
    assert "dateline" not in headline.reason


def test_pattern_files_mark_paragraphs_like_built_in_furniture(tmp_path: Path) -> None:
    path = tmp_path / "site.txt"
    path.write_text("# our site's furniture\n\nprinted in the wrenmouth gazette.*\n", encoding="utf-8")
    patterns = read_patterns(path)
    assert furniture_reason("Printed in the Wrenmouth Gazette, page 4.", patterns) == (
        "boilerplate pattern (site.txt:3)"
    )
    text = "The harbour board raised ferry fares by a tenth on Monday.\n\nPrinted in the Wrenmouth Gazette."
    document = build_document(Article("a", text), Settings(), boilerplate=patterns)
    assert [p.kind for p in document.paragraphs] == [ParagraphKind.CONTENT, ParagraphKind.BOILERPLATE]


def test_a_bad_pattern_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "site.txt"
    path.write_text("fine\n(unclosed\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"site.txt:2: not a valid regular expression"):
        read_patterns(path)
    with pytest.raises(SettingsError, match="cannot read the boilerplate patterns"):
        read_patterns(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    "paragraph",
    [
        "By region, the north contributed 34 mln stg against 47 mln a year earlier.",
        "By April 15, 27.8 pct of the area had been sown against three pct a year ago.",
        "Each bond carries a warrant, and two warrants give the holder the right to subscribe "
        "for one share at a price to be set next week.",
        "Growers were asked for their reaction to a trade newsletter report on planting intentions.",
        "The pension fund said its property holdings contributed.",
    ],
)
def test_sentences_that_start_like_furniture_are_article_text(paragraph: str) -> None:
    assert furniture_reason(paragraph) == ""


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("By Ann Lee and Bo Chan, Harbour Herald", "byline"),
        ("BY STAFF WRITER", "byline"),
        ("Our reporters in Leeds and York contributed.", "credit line"),
        ("Sign up for our morning briefing", "newsletter blurb"),
    ],
)
def test_short_furniture_is_still_found(paragraph: str, reason: str) -> None:
    assert furniture_reason(paragraph) == reason
