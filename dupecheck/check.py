"""The CI gate: which near-duplicate pairs are new, which were accepted, which are allowed.

A check runs the usual scan, then sorts each confirmed pair: *accepted* when its two articles'
content fingerprints are in the baseline, *allowed* when an unexpired allow entry names both,
*new* otherwise. Baseline entries that no longer occur are reported as *resolved*. Nothing here
prints or exits; the command line turns :meth:`CheckResult.failing` into an exit code.

>>> text = "The council voted eleven to four to fund a tidal barrier after the storm."
>>> result = check_articles([Article("a", text), Article("b", text + " It will cost millions.")])
>>> [(finding.pair.a, finding.pair.b, finding.status.value) for finding in result.findings]
[('a', 'b', 'new')]
>>> result.verdict(FailOn.NEW)
'1 new near-duplicate pair (--fail-on new)'
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dupecheck.allow import AllowEntry, allowing, article_names
from dupecheck.baseline import Baseline, BaselineArticle, BaselineEntry, entry, pair_key
from dupecheck.boilerplate import Patterns
from dupecheck.core import Progress, find_duplicates
from dupecheck.errors import InputError, SettingsError
from dupecheck.fingerprint import content_fingerprint
from dupecheck.load import MAX_BYTES, load_paths, require_articles
from dupecheck.model import Article, Document, PairResult, ScanReport, Skipped, documents_named
from dupecheck.settings import Settings

CHECK_SCHEMA = "dupecheck.check/1"
"""Layout of the ``check`` object added to the scan JSON."""


class Status(StrEnum):
    """What a confirmed pair is to the check."""

    NEW = "new"
    """In neither the baseline nor the allow list: fails the check."""
    ACCEPTED = "accepted"
    """Its fingerprints are in the baseline: fails only with ``--fail-on any``."""
    ALLOWED = "allowed"
    """An unexpired allow entry names both articles: never fails."""


class FailOn(StrEnum):
    """Which pairs fail a check."""

    NEW = "new"
    """Only pairs not in the baseline (and not allowed)."""
    ANY = "any"
    """Every pair not allowed, accepted in the baseline or not."""


def parse_fail_on(value: str, where: str = "--fail-on") -> FailOn:
    """The :class:`FailOn` named ``value``; anything else is a :class:`SettingsError`.

    >>> parse_fail_on("any")
    <FailOn.ANY: 'any'>
    """
    try:
        return FailOn(value)
    except ValueError:
        choices = ", ".join(member.value for member in FailOn)
        raise SettingsError(f"{where} must be one of: {choices}; got {value!r}") from None


@dataclass(frozen=True, slots=True)
class Finding:
    """A confirmed pair, what the check makes of it, and the content fingerprints of its articles."""

    pair: PairResult
    status: Status
    fingerprints: tuple[str, str]
    allowed_by: AllowEntry | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The pair's baseline key."""
        return pair_key(*self.fingerprints)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The scan behind a check, its findings (strongest first) and the baseline entries now gone.

    ``changed`` holds the ids of the changed articles when the check was limited to them.
    """

    report: ScanReport
    findings: tuple[Finding, ...]
    resolved: tuple[BaselineEntry, ...] = ()
    notices: tuple[str, ...] = ()
    changed: tuple[str, ...] | None = None

    def with_status(self, status: Status) -> tuple[Finding, ...]:
        """The findings of one status, in report order."""
        return tuple(finding for finding in self.findings if finding.status is status)

    def failing(self, fail_on: FailOn) -> tuple[Finding, ...]:
        """The findings that fail the check: new ones, and accepted ones too with ``any``."""
        failing = {Status.NEW} if fail_on is FailOn.NEW else {Status.NEW, Status.ACCEPTED}
        return tuple(finding for finding in self.findings if finding.status in failing)

    def summary(self) -> str:
        """One line: articles read, pairs by status, and baseline entries that no longer occur."""
        report = self.report
        read = _count(len(report.documents), "article") + " read"
        if self.changed is not None:
            read += f", {len(self.changed)} changed"
        if report.skipped:
            read += f", {len(report.skipped)} skipped"
        counts = ", ".join(f"{len(self.with_status(status))} {status.value}" for status in Status)
        line = f"{read}; {_count(len(self.findings), 'near-duplicate pair')} ({counts})"
        if self.resolved:
            gone = _count(len(self.resolved), "baseline entry", "baseline entries")
            line += f"; {gone} no longer {'occurs' if len(self.resolved) == 1 else 'occur'}"
        return line

    def verdict(self, fail_on: FailOn) -> str:
        """Why the check passes or fails, in a few words."""
        failing = len(self.failing(fail_on))
        option = f"(--fail-on {fail_on.value})"
        if self.changed is not None and not self.changed:
            return f"no changed articles to check {option}"
        if fail_on is FailOn.NEW:
            noun = _count(failing, "new near-duplicate pair") if failing else "no new near-duplicates"
        elif failing:
            noun = _count(failing, "near-duplicate pair") + ", accepted in the baseline or not,"
        else:
            noun = "no near-duplicates outside the allow list"
        return f"{noun} {option}"


def classify(
    report: ScanReport,
    *,
    baseline: Baseline | None = None,
    allow: Sequence[AllowEntry] = (),
    changed: Collection[str] | None = None,
    today: datetime.date | None = None,
) -> CheckResult:
    """Sort the pairs of ``report`` into new, accepted and allowed, and find the baseline entries gone.

    With ``changed`` (ids), the report covers only pairs involving those articles, so a baseline
    entry between two unchanged articles that are both still there is not reported as gone.
    """
    today = today or datetime.date.today()
    baseline = baseline or Baseline()
    # Every article's fingerprint is needed only to tell which baseline entries are gone.
    paired = {name for pair in report.pairs for name in (pair.a, pair.b)} | set(changed or ())
    fingerprints: dict[str, str] = {}
    names: dict[str, frozenset[str]] = {}
    for name, document in documents_named(report.documents, paired).items():
        names[name] = article_names(document)
        if not baseline.entries:
            fingerprints[name] = content_fingerprint(document)
    if baseline.entries:
        fingerprints = {document.id: content_fingerprint(document) for document in report.documents}
    accepted = baseline.keys()
    findings = []
    for pair in report.pairs:
        prints = (fingerprints[pair.a], fingerprints[pair.b])
        allowed_by = allowing(allow, names[pair.a], names[pair.b], today)
        if allowed_by is not None:
            status = Status.ALLOWED
        elif pair_key(*prints) in accepted:
            status = Status.ACCEPTED
        else:
            status = Status.NEW
        findings.append(Finding(pair, status, prints, allowed_by))
    findings.sort(key=_finding_order)

    occurring = {finding.key for finding in findings}
    present = set(fingerprints.values())
    focused = None if changed is None else {fingerprints[i] for i in changed if i in fingerprints}
    resolved = tuple(
        item
        for item in baseline.entries
        if item.key not in occurring
        # Unchanged and both still there: the focused scan did not look at this pair again.
        and not (focused is not None and set(item.key) <= present and not set(item.key) & focused)
    )
    notices = tuple(
        f"{item.origin}: expired on {item.expires}; it no longer allows "
        f"{' / '.join(item.members)} ({item.reason})"
        for item in allow
        if item.expired(today)
    )
    return CheckResult(
        report, tuple(findings), resolved, notices, None if changed is None else tuple(sorted(changed))
    )


def check_articles(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    skipped: Iterable[Skipped] = (),
    baseline: Baseline | None = None,
    allow: Sequence[AllowEntry] = (),
    changed: Collection[str] | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    files: int = 0,
    same_source: str = "report",
    window: int | None = None,
    boilerplate: Patterns = (),
    learn_boilerplate: bool = True,
    jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Scan ``articles`` (only pairs involving ``changed`` ids, if given) and :func:`classify` the pairs.

    Checking no article at all is an :class:`InputError`: a gate that read nothing passes nothing.
    """
    articles = list(articles)
    if not articles:
        raise InputError("no articles to check")
    if changed is not None:
        known = {article.id for article in articles}
        changed = [identifier for identifier in changed if identifier in known]
    report = find_duplicates(
        articles,
        settings=settings,
        skipped=skipped,
        focus=changed,
        progress=progress or _quiet,
        files=files,
        same_source=same_source,
        window=window,
        boilerplate=boilerplate,
        learn_boilerplate=learn_boilerplate,
        jobs=jobs,
        cache=cache,
    )
    return classify(report, baseline=baseline, allow=allow, changed=changed, today=today)


def check_against_index(
    index: str | os.PathLike[str],
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    baseline: Baseline | None = None,
    allow: Sequence[AllowEntry] = (),
    changed: Collection[str] | None = None,
    today: datetime.date | None = None,
) -> CheckResult:
    """Query ``articles`` (only the ``changed`` ids, if given) against the archive in ``index``; classify.

    Only the articles checked are signed; the archive is read from the index, which must have
    been built with ``settings``. Pairs are a checked article (``a``) and an archive article.
    """
    from dupecheck.index import open_index

    articles = list(articles)
    if not articles:
        raise InputError("no articles to check")
    if changed is not None:
        wanted = set(changed)
        checked = [article for article in articles if article.id in wanted]
        changed = [article.id for article in checked]
    else:
        checked = articles
    with open_index(os.fspath(index), settings or Settings(), readonly=True) as opened:
        report = opened.query_report(checked)
    # Two checked articles both in the archive meet twice, once from each side: keep the first.
    seen: set[frozenset[str]] = set()
    pairs = []
    for pair in report.pairs:
        if frozenset((pair.a, pair.b)) not in seen:
            seen.add(frozenset((pair.a, pair.b)))
            pairs.append(pair)
    report = dataclasses.replace(report, pairs=tuple(pairs))
    return classify(report, baseline=baseline, allow=allow, changed=changed, today=today)


def _check_index_options(same_source: str, window: int | None, boilerplate: Patterns) -> None:
    """A :class:`SettingsError` naming the options given that a check against an index cannot apply."""
    unused = [
        name
        for name, given in (
            ("--same-source", same_source != "report"),
            ("--window", window is not None),
            ("--boilerplate", bool(boilerplate)),
        )
        if given
    ]
    if unused:
        raise SettingsError(
            f"{', '.join(unused)} cannot be applied with --index: the index holds articles segmented "
            "with the built-in furniture patterns, and its queries compare articles whatever their "
            f"source or date; check without --index to use {'it' if len(unused) == 1 else 'them'}"
        )


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    settings: Settings | None = None,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    date_field: str = "date",
    source_field: str = "source",
    input_format: str | None = None,
    exclude: Callable[[str], bool] | None = None,
    baseline: Baseline | None = None,
    allow: Sequence[AllowEntry] = (),
    changed_paths: Collection[str | os.PathLike[str]] | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    max_bytes: int = MAX_BYTES,
    same_source: str = "report",
    window: int | None = None,
    boilerplate: Patterns = (),
    learn_boilerplate: bool = True,
    index: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> CheckResult:
    """Read the articles under ``paths`` and check them; ``changed_paths`` limits the check to their files.

    With ``index`` (an index file or ``redis://`` location), the articles to check are queried
    against the archive in the index instead of scanning the folder (see :func:`check_against_index`).

    Reading no article (an empty folder, everything ignored or unreadable) is an :class:`InputError`,
    and so is any unreadable input when ``strict``. An index is queried with the built-in
    furniture patterns and without same-source or date rules: asking for them with ``index``
    is a :class:`SettingsError`, not a check that silently leaves them out (nor does it
    learn boilerplate from the articles checked).
    """
    if index is not None:
        _check_index_options(same_source, window, boilerplate)
    loaded = require_articles(
        load_paths(
            paths,
            id_field=id_field,
            text_field=text_field,
            title_field=title_field,
            date_field=date_field,
            source_field=source_field,
            input_format=input_format,
            exclude=exclude,
            max_bytes=max_bytes,
        ),
        paths,
        strict=strict,
    )
    changed = None if changed_paths is None else changed_ids(loaded.articles, changed_paths)
    if index is not None:
        result = check_against_index(
            index,
            loaded.articles,
            settings=settings,
            baseline=baseline,
            allow=allow,
            changed=changed,
            today=today,
        )
        report = dataclasses.replace(result.report, skipped=tuple(loaded.skipped), files=loaded.files)
        return dataclasses.replace(result, report=report)
    return check_articles(
        loaded.articles,
        settings=settings,
        skipped=loaded.skipped,
        baseline=baseline,
        allow=allow,
        changed=changed,
        today=today,
        progress=progress,
        files=loaded.files,
        same_source=same_source,
        window=window,
        boilerplate=boilerplate,
        learn_boilerplate=learn_boilerplate,
        jobs=jobs,
        cache=cache,
    )


def changed_ids(articles: Iterable[Article], paths: Collection[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The ids of the articles read from one of ``paths`` (every article of a changed JSON Lines file).

    >>> changed_ids([Article("a", "...", "news/a.md"), Article("b", "...", "news/b.md")], ["news/./b.md"])
    ('b',)
    """
    wanted = {_file_key(path) for path in paths}
    names = {os.path.basename(key) for key in wanted}
    return tuple(
        article.id
        for article in articles
        if _may_resolve_to(file := article.file, names) and _file_key(file) in wanted
    )


def _may_resolve_to(path: str, names: Collection[str]) -> bool:
    """False only when ``path`` cannot resolve to a file of one of ``names`` (normalized base names).

    A path's real path ends in its own name unless the name is a link (or "." or ".."),
    so most files of a large folder are ruled out without resolving each of their folders.
    """
    name = os.path.normcase(os.path.basename(path))
    return name in names or name in ("", ".", "..") or os.path.islink(path)


def baseline_of(result: CheckResult) -> Baseline:
    """The baseline that accepts every pair of ``result`` except the allowed ones.

    Allowed pairs stay out, so that when their allow entry expires they fail as new.
    """
    documents = documents_named(
        result.report.documents,
        (name for finding in result.findings for name in (finding.pair.a, finding.pair.b)),
    )
    return Baseline.of(
        entry(
            _baseline_article(documents[finding.pair.a], finding.fingerprints[0]),
            _baseline_article(documents[finding.pair.b], finding.fingerprints[1]),
            finding.pair.relation.value if finding.pair.relation is not None else "",
        )
        for finding in result.findings
        if finding.status is not Status.ALLOWED
    )


def to_dict(result: CheckResult, fail_on: FailOn) -> dict[str, Any]:
    """The ``check`` object of the JSON report: findings by status, resolved entries, the verdict."""
    return {
        "schema": CHECK_SCHEMA,
        "fail_on": fail_on.value,
        "failed": bool(result.failing(fail_on)),
        "verdict": result.verdict(fail_on),
        "changed": None if result.changed is None else list(result.changed),
        **{status.value: [_finding(f) for f in result.with_status(status)] for status in Status},
        "resolved": [
            {
                "a": {"fingerprint": item.a.fingerprint, "id": item.a.id, "source": item.a.source},
                "b": {"fingerprint": item.b.fingerprint, "id": item.b.id, "source": item.b.source},
                "relation": item.relation,
            }
            for item in result.resolved
        ],
        "notices": list(result.notices),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    pair = finding.pair
    data: dict[str, Any] = {
        "a": pair.a,
        "b": pair.b,
        "relation": pair.relation.value if pair.relation is not None else None,
        "similarity": pair.similarity,
        "fingerprints": list(finding.fingerprints),
    }
    if finding.allowed_by is not None:
        data["reason"] = finding.allowed_by.reason
        data["expires"] = finding.allowed_by.expires.isoformat() if finding.allowed_by.expires else None
    return data


def _finding_order(finding: Finding) -> tuple[int, int, str, str]:
    rank = finding.pair.relation.rank if finding.pair.relation is not None else 0
    return (list(Status).index(finding.status), -rank, finding.pair.a, finding.pair.b)


def _baseline_article(document: Document, fingerprint: str) -> BaselineArticle:
    return BaselineArticle(fingerprint, document.id, document.article.source)


def _file_key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(path))


def _quiet(stage: str, done: int, total: int) -> None:
    """Progress callback for when nobody is watching."""


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
