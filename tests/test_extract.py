from __future__ import annotations

import html
from pathlib import Path

from paths import SAMPLES

from dupecheck.core import find_duplicates
from dupecheck.extract import article_text
from dupecheck.load import load_paths


def _page(site: str, story: Path) -> str:
    """A saved web page: the story in a site's template, with navigation, teasers and footer."""
    headline, *paragraphs = [p for p in story.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    teasers = "".join(
        f'<li><a href="/s/{n}">{html.escape(t)}</a></li>'
        for n, t in enumerate(
            [
                f"{site} readers pick the best bakeries in the county",
                f"{site} weekend weather: showers clearing by Sunday",
                "Council tax bills to rise by four per cent in April",
            ]
        )
    )
    return (
        f"<!doctype html><html><head><title>{html.escape(headline)} | {site}</title></head><body>"
        '<header><nav><a href="/">Home</a> <a href="/news">News</a> '
        '<a href="/sport">Sport</a></nav></header>'
        f"<main><article><h1>{html.escape(headline)}</h1>{body}</article></main>"
        f"<aside><h2>Most read on {site}</h2><ul>{teasers}</ul></aside>"
        f"<footer><p>Copyright {site} Media Group. All rights reserved.</p>"
        f"<p>Subscribe to the {site} newsletter for the morning briefing.</p></footer></body></html>"
    )


def test_article_text_drops_the_site_around_the_story() -> None:
    text = article_text(_page("Harbour Herald", SAMPLES / "wire-wildfire.txt").encode())
    assert "Kestrin" in text
    assert "bakeries" not in text and "All rights reserved" not in text and "Sport" not in text
    assert text.count("\n\n") >= 5, "one paragraph per block"


def test_the_same_story_in_different_templates_matches_and_shared_templates_do_not(tmp_path: Path) -> None:
    pages = {
        "herald-flood.html": _page("Harbour Herald", SAMPLES / "wire-flood-barrier.txt"),
        "gazette-flood.htm": _page("Coastal Gazette", SAMPLES / "flood-barrier-light-edit.txt"),
        "herald-ferry.html": _page("Harbour Herald", SAMPLES / "ferry-strike.txt"),
        "herald-library.html": _page("Harbour Herald", SAMPLES / "library-reopens.txt"),
    }
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    report = find_duplicates(load_paths([tmp_path]).articles)
    assert [set(g.members) for g in report.groups] == [{"herald-flood.html", "gazette-flood.htm"}]
