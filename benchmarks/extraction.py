"""Article extraction from web pages: trafilatura against jusText, on the samples in three site templates.

Each article in samples/ (the scraped web copy left out: it already carries its site) is wrapped
in three fictional site templates - navigation, sidebars of teasers, a comment thread, a footer -
and each extractor's text is scored against the article's own text: token-level precision, recall
and F1 (a bag of lower-case word tokens). Run: python benchmarks/extraction.py
"""

from __future__ import annotations

import html
import re
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import justext

from dupecheck.extract import article_text

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_TOKEN = re.compile(r"\w+")

TEASERS = [
    "Harbour cafe owners say the new parking rules are costing them a third of their weekend trade",
    "Our critic spends a rainy afternoon at the reopened puppet museum and leaves delighted",
    "Five walks along the old canal towpath that are worth the muddy boots this autumn",
    "School governors to vote on a longer lunch break after a petition signed by pupils",
    "The quiz night at the Lantern Inn raised enough money to repaint the scout hut",
]
COMMENTS = [
    (
        "Marit",
        "I have lived here for forty years and never seen anything like it. Somebody should be asking harder questions of the people in charge.",
    ),
    (
        "oldsalt77",
        "Typical. They spend money on everything except the things that actually matter to people who live on the front.",
    ),
    ("J. Fenwick", "Good to see this reported properly at last, thank you for keeping on top of the story."),
]


def _paragraphs(text: str) -> tuple[str, list[str]]:
    blocks = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    return blocks[0], blocks[1:]


def _teasers(tag: str) -> str:
    return "".join(
        f"<{tag}><a href='/story/{n}'>{html.escape(t)}</a><p>{html.escape(t[:60])}...</p></{tag}>"
        for n, t in enumerate(TEASERS)
    )


def _comments() -> str:
    return "".join(
        f"<div class='comment'><b>{name}</b><p>{html.escape(body)}</p><a href='#'>Reply</a></div>"
        for name, body in COMMENTS
    )


def gazette(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (
        "<html><head><title>" + html.escape(title) + " | Wrenmouth Gazette</title></head><body>"
        "<header><nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a> | <a href='/weather'>Weather</a></nav></header>"
        "<main><article><h1>"
        + html.escape(title)
        + "</h1><p class='byline'>By Staff Reporter</p>"
        + paragraphs
        + "</article>"
        "<aside><h3>Most read</h3><ul>" + _teasers("li") + "</ul></aside>"
        "<section id='comments'><h3>3 comments</h3>"
        + _comments()
        + "<form><textarea></textarea><button>Post comment</button></form></section></main>"
        "<footer><p>Copyright 2026 Wrenmouth Gazette Ltd. All rights reserved.</p><p><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a></p></footer>"
        "</body></html>"
    )


def portal(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<div class='para'>{html.escape(p)}</div>" for p in body)
    return (
        "<html><head><title>" + html.escape(title) + "</title></head><body><div id='wrap'>"
        "<div class='topbar'><span>Sign in</span> <span>Subscribe for 1 pound a week</span></div>"
        "<div class='menu'><a href='/'>Front page</a><a href='/local'>Local</a><a href='/business'>Business</a><a href='/opinion'>Opinion</a></div>"
        "<div class='cols'><div class='left'><h2>"
        + html.escape(title)
        + "</h2>"
        + paragraphs
        + "<div class='share'>Share on Facebook | Share on X | Email</div></div>"
        "<div class='right'><h4>Latest stories</h4>" + _teasers("div") + "</div></div>"
        "<div class='newsletter'>Get the morning briefing in your inbox every weekday. Sign up now.</div>"
        "<div class='discuss'>" + _comments() + "</div>"
        "<div class='foot'>Harbour Portal is part of Coastline Media. Registered office: 4 Quay Street.</div>"
        "</div></body></html>"
    )


def blog(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (
        "<!DOCTYPE html><html><head><title>" + html.escape(title) + " - Estuary Notes</title></head><body>"
        "<div class='site-header'><h1 class='site-title'>Estuary Notes</h1><p>News and views from the river towns</p>"
        "<ul class='menu'><li>About</li><li>Archive</li><li>Contact</li></ul></div>"
        "<div class='post'><h2 class='entry-title'>"
        + html.escape(title)
        + "</h2><div class='entry-content'>"
        + paragraphs
        + "</div>"
        "<div class='tags'>Tags: local, council, weather</div></div>"
        "<div class='related'><h3>You might also like</h3>" + _teasers("p") + "</div>"
        "<div id='respond'><h3>Leave a Reply</h3>"
        + _comments()
        + "<p>Your email address will not be published.</p></div>"
        "<div class='sidebar'><h3>Archives</h3><ul><li>October 2026</li><li>September 2026</li><li>August 2026</li></ul></div>"
        "<div class='site-footer'>Proudly powered by a small team of volunteers.</div></body></html>"
    )


def with_trafilatura(page: str) -> str:
    return article_text(page.encode("utf-8"))


def with_justext(page: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def score(extracted: str, reference: str) -> tuple[float, float, float]:
    found = Counter(_TOKEN.findall(extracted.lower()))
    wanted = Counter(_TOKEN.findall(reference.lower()))
    common = sum((found & wanted).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(wanted.values()) if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    templates: dict[str, Callable[[str, list[str]], str]] = {
        "gazette": gazette,
        "portal": portal,
        "blog": blog,
    }
    extractors: dict[str, Callable[[str], str]] = {"trafilatura": with_trafilatura, "jusText": with_justext}
    articles = sorted(p for p in SAMPLES.glob("*.txt") if not p.name.startswith("web-copy"))
    totals: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for path in articles:
        title, body = _paragraphs(path.read_text(encoding="utf-8"))
        reference = "\n\n".join([title, *body])
        for template_name, template in templates.items():
            page = template(title, body)
            for extractor_name, extractor in extractors.items():
                totals.setdefault((template_name, extractor_name), []).append(
                    score(extractor(page), reference)
                )
    print(
        f"{len(articles)} articles x {len(templates)} templates; token precision / recall / F1 (macro average)\n"
    )
    print(f"{'template':<10} {'extractor':<12} {'P':>6} {'R':>6} {'F1':>6}")
    overall: dict[str, list[tuple[float, float, float]]] = {}
    for (template_name, extractor_name), scores in totals.items():
        p, r, f = (sum(s[i] for s in scores) / len(scores) for i in range(3))
        overall.setdefault(extractor_name, []).extend(scores)
        print(f"{template_name:<10} {extractor_name:<12} {p:6.3f} {r:6.3f} {f:6.3f}")
    print()
    for extractor_name, scores in overall.items():
        p, r, f = (sum(s[i] for s in scores) / len(scores) for i in range(3))
        print(f"{'all':<10} {extractor_name:<12} {p:6.3f} {r:6.3f} {f:6.3f}")


if __name__ == "__main__":
    main()
