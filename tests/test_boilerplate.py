from __future__ import annotations

import pytest

from dupecheck.boilerplate import furniture, furniture_reason


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
