"""Main text of a saved web page, without the site around it: the only user of trafilatura."""

from __future__ import annotations

import warnings

import trafilatura


def article_text(page: bytes) -> str:
    r"""The article text of an HTML page, one paragraph per block, or "" when none is found.

    trafilatura detects the page's encoding itself and drops navigation, related
    links, comments and footers; headings, paragraphs and list items each become
    a paragraph. Pages it cannot parse (a tag nesting deeper than the HTML parser
    allows, say) give "".

    >>> article_text(b"<html><body><nav>Home | Sport</nav><article><p>The council voted "
    ...              b"eleven to four to fund the barrier, ending years of argument over "
    ...              b"the estuary.</p></article></body></html>")
    'The council voted eleven to four to fund the barrier, ending years of argument over the estuary.'
    """
    with warnings.catch_warnings():
        # trafilatura's own use of lxml raises FutureWarnings that are not ours to fix.
        warnings.simplefilter("ignore")
        text = trafilatura.extract(
            page, include_comments=False, include_tables=False, favor_precision=True, deduplicate=False
        )
    if not text:
        return ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
