"""Normalization and terms: what matching sees of a text (reports keep the original)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from dupecheck.parallel import share_dict

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# Chinese and Japanese are written without spaces: each ideograph or kana is a word of
# its own, so adjacent-pair shingles become character bigrams.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"[^\W{_CJK}]+"
# A figure is one word however it is grouped: 300,000 and 7.2 and 1/2.
_FIGURE = r"\d+(?:[.,/]\d+)*(?!\w)"
# A word: a figure, an ideograph or kana, or letters joined by apostrophes (don't).
_WORD_RULE = rf"{_FIGURE}|[{_CJK}]|{_LETTERS}(?:'{_LETTERS})*"
# _WORD_RULE, written with possessive runs (++, *+) to find the same words a tenth faster:
# giving back part of a run never lets a match succeed. A run of digits or letters
# given back leaves a digit or letter next, where the figure's lookahead and its next
# group both fail, and nothing follows a word's runs. The figure's groups stay greedy,
# so "1.2.3x" still gives "1.2".
_WORD = re.compile(rf"\d++(?:[.,/]\d++)*(?!\w)|[{_CJK}]|[^\W{_CJK}]++(?:'[^\W{_CJK}]++)*+")
# The same words in ASCII text, found a third faster: no CJK, and \w is [a-zA-Z0-9_] there.
_ASCII_WORD = re.compile(r"\d++(?:[.,/]\d++)*(?!\w)|\w++(?:'\w++)*+", re.ASCII)
# The same words found in text before folding: every apostrophe _FOLD maps to "'".
_ORIGINAL_WORD = re.compile(rf"{_FIGURE}|[{_CJK}]|{_LETTERS}(?:['\u2018\u2019\u201a\u201b\u2032]{_LETTERS})*")

# Function words and reporting verbs carry no evidence that one text was drawn from another.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t ll ve re d m said says say saying told tell according added adding yesterday
    today tonight mr mrs ms dr
    """.split()  # noqa: SIM905
)


def normalize(text: str) -> str:
    r"""Fold a text for matching: NFKC, one kind of quote and dash, lower case.

    >>> normalize("“Don’t” — said Ａｎｎ")
    '"don\'t" - said ann'
    """
    if text.isascii():  # NFKC and the folding leave ASCII as it is
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()


def fold(text: str) -> str:
    r"""A text as paragraphs are compared whole: normalized, runs of white space made one space.

    >>> fold("Follow  us\non  Mastodon.")
    'follow us on mastodon.'
    """
    return " ".join(normalize(text).split())


class _TermMemo(dict[str, str]):
    """The term of each word seen so far ("" for a stopword), made when first asked for.

    News has a few hundred thousand distinct words: a lookup costs a tenth of stemming
    a word again, and a missing word costs only its own stemming, not the paragraph's.
    """

    def __missing__(self, word: str) -> str:
        if len(self) >= _TERMS_KEPT:
            self.clear()
        term = "" if word in STOPWORDS else _stemmer().stemWord(word.replace("'", ""))
        self[word] = term
        return term


_TERMS_KEPT = 500_000
_TERMS = _TermMemo()
share_dict(_TERMS, _TERMS_KEPT)  # what scan workers learn, the next ones know


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    # No cache of its own: _TERMS is the cache, and PyStemmer's would triple a stemming's cost.
    return Stemmer.Stemmer("english", 0)


def words(text: str) -> list[str]:
    """The normalized words of a text, in order."""
    folded = normalize(text)
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


def is_figure(term: str) -> bool:
    """Whether a term is a number (figures are the facts a template is filled with).

    >>> is_figure("300,000"), is_figure("7.2"), is_figure("council")
    (True, True, False)
    """
    return term[:1].isdigit()


def content_terms(text: str) -> tuple[str, ...]:
    """Stemmed content words in order: the unit every similarity in dupecheck counts.

    >>> content_terms("The councils voted to fund the barriers.")
    ('council', 'vote', 'fund', 'barrier')
    """
    return tuple(filter(None, map(_TERMS.__getitem__, words(text))))


def term_spans(text: str) -> list[tuple[int, int, str]]:
    r"""Each word of ``text`` as ``(start, end, term)``; ``term`` is "" for stopwords.

    Offsets index the original text, so reports can mark words that matching saw.
    NFKC may change a word's length, so each word is normalized on its own.

    >>> term_spans("Councils voted")
    [(0, 8, 'council'), (9, 14, 'vote')]
    """
    out = []
    for match in _ORIGINAL_WORD.finditer(text):
        out.append((match.start(), match.end(), _TERMS[normalize(match.group())]))
    return out
