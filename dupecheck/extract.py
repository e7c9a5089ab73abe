"""Main text of a saved web page, without the site around it: the only user of trafilatura."""

from __future__ import annotations

import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageContent:
    """The article text of a web page and what the page says about it ("" when it says nothing)."""

    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    outlet: str = ""


def page_content(page: bytes) -> PageContent:
    r"""The article text of an HTML page, one paragraph per block, with its title, author, date and site.

    trafilatura detects the page's encoding itself and drops navigation, related
    links, comments and footers; headings, paragraphs and list items each become
    a paragraph. The metadata comes from the page's head (``<title>``, Open Graph
    and schema.org tags); ``date`` is an ISO 8601 date. Pages it cannot parse (a
    tag nesting deeper than the HTML parser allows, say) give an empty text.

    >>> content = page_content(b"<html><head><title>Barrier vote</title></head><body><article>"
    ...                        b"<p>The council voted eleven to four to fund the barrier, ending "
    ...                        b"years of argument over the estuary.</p></article></body></html>")
    >>> content.title
    'Barrier vote'
    """
    import trafilatura  # here, not at the top: it takes 0.15 s to import, and most scans read no HTML

    with warnings.catch_warnings():
        # trafilatura's own use of lxml raises FutureWarnings that are not ours to fix.
        warnings.simplefilter("ignore")
        document = trafilatura.bare_extraction(
            page,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            deduplicate=False,
            with_metadata=True,
        )
    names = ("text", "title", "author", "date", "url", "sitename")
    if isinstance(document, dict):
        found = {name: document.get(name) for name in names}
    else:
        found = {name: getattr(document, name, None) for name in names}

    def field(name: str) -> str:
        value = found[name]
        return value.strip() if isinstance(value, str) else ""

    if not field("text"):
        return PageContent("")
    text = "\n\n".join(line.strip() for line in field("text").splitlines() if line.strip())

    return PageContent(
        text,
        title=field("title"),
        author=field("author"),
        date=field("date")[:10],
        url=field("url"),
        outlet=field("sitename"),
    )


def article_text(page: bytes) -> str:
    r"""The article text of an HTML page, one paragraph per block, or "" when none is found.

    >>> article_text(b"<html><body><nav>Home | Sport</nav><article><p>The council voted "
    ...              b"eleven to four to fund the barrier, ending years of argument over "
    ...              b"the estuary.</p></article></body></html>")
    'The council voted eleven to four to fund the barrier, ending years of argument over the estuary.'
    """
    return page_content(page).text
