from __future__ import annotations

from dupecheck.core import find_duplicates
from dupecheck.document import build_document
from dupecheck.model import Article, ParagraphKind
from dupecheck.repeated import repeated_paragraphs
from dupecheck.settings import Settings

SITE = (
    "Readers of the Wrenmouth Gazette can now get every harbour, council and school story delivered "
    "each morning by joining the Gazette briefing, which costs nothing at all.\n\n"
    "The Wrenmouth Gazette is owned by its readers through the Estuary Trust, a charity founded in "
    "1921 by fishermen and shopkeepers of the river towns."
)
STORIES = [
    "The harbour board raised ferry fares by a tenth on Monday, blaming fuel costs and a new pier levy.\n\n"
    "Commuters from Talbridge said the rise would add forty pounds a month to their travel bills.",
    "The puppet museum on Quay Street reopened after eighteen months of roof repairs.\n\n"
    "Its curator said two hundred visitors queued in the rain for the marionette parade.",
    "School governors in Marlow Cross voted to lengthen the lunch break after a petition.\n\n"
    "Teachers warned the change would push the final lesson back by twenty minutes.",
    "A fishing trawler ran aground on the Skerry sandbar in a gale; all six crew were lifted off.\n\n"
    "The coastguard helicopter crew praised the skipper for radioing an exact position.",
]


def test_a_paragraph_repeated_across_unrelated_articles_is_boilerplate() -> None:
    documents = [
        build_document(Article(str(n), f"{story}\n\n{SITE}"), Settings()) for n, story in enumerate(STORIES)
    ]
    marked = repeated_paragraphs(documents)
    for document in marked:
        kinds = [p.kind for p in document.paragraphs]
        assert kinds == [ParagraphKind.CONTENT] * 2 + [ParagraphKind.BOILERPLATE] * 2
        assert document.paragraphs[2].reason == "repeated in 4 articles"


def test_copies_of_one_story_keep_their_shared_paragraphs() -> None:
    story = STORIES[0] + "\n\n" + STORIES[1]
    copies = [f"{story}\n\nCopy number {n} adds its own closing remark about ferries." for n in range(4)]
    documents = [build_document(Article(str(n), text), Settings()) for n, text in enumerate(copies)]
    assert repeated_paragraphs(documents) == tuple(documents)


def test_unrelated_articles_sharing_site_furniture_are_not_paired() -> None:
    articles = [Article(str(n), f"{story}\n\n{SITE}") for n, story in enumerate(STORIES)]
    assert find_duplicates(articles, learn_boilerplate=False).pairs != ()
    assert find_duplicates(articles).pairs == ()


def test_counting_carriers_over_hashes_learns_the_same_boilerplate() -> None:
    """Three blurbs each under a quarter of 1,500 made-up articles: learned alike both ways."""
    from synthetic import corpus_with_planted_copies

    from dupecheck.parallel import ordered_map
    from dupecheck.repeated import key_hash_array, repeated_from_hashes

    blurbs = [
        f"The Harbour Echo prints edition {n} on recycled paper at the Wrenmouth works." for n in range(3)
    ]
    articles, _ = corpus_with_planted_copies(1500, seed=9)
    documents = [
        build_document(Article(a.id, f"{a.text}\n\n{blurbs[n % 3]}" if n % 4 else a.text), Settings())
        for n, a in enumerate(articles)
    ]
    learned = repeated_from_hashes(documents, ordered_map(key_hash_array, documents, jobs=2))
    for number, (before, after) in enumerate(zip(documents, learned)):
        reasons = [p.reason for p in after.paragraphs]
        if number % 4:  # the blurb, last, is learned; the made-up story is not
            assert reasons[:-1] == [p.reason for p in before.paragraphs][:-1]
            assert reasons[-1] == "repeated in 375 articles"
        else:
            assert after == before
    assert repeated_paragraphs(documents) == learned
