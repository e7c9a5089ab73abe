from __future__ import annotations

import dataclasses
import datetime
import io
import json
from pathlib import Path

import pytest
from counted import CountedStore
from gate import FERRY, LIBRARY, REWRITE, WIRE, commit_all, git, sample, write_articles
from typer.testing import CliRunner

from dupecheck.baseline import read_baseline
from dupecheck.check import FailOn, Status, changed_ids, check_articles, check_paths, classify
from dupecheck.check_output import Destination, failing_report, plan_outputs, resolve_format
from dupecheck.cli import EXIT_DUPLICATES, EXIT_ERROR, EXIT_OK, app
from dupecheck.core import find_duplicates
from dupecheck.errors import InputError, SettingsError
from dupecheck.group import groups_of
from dupecheck.model import Article
from dupecheck.reporters.json import dump

runner = CliRunner()
BASELINE = "baseline.json"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder (the current one) with content/ holding the wire story, its rewrite and two others."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write_articles(tmp_path / "content", WIRE, REWRITE, FERRY, LIBRARY)
    return tmp_path


def check(*arguments: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", *arguments], input=stdin)
    return result.exit_code, result.stdout, result.output


def update(*arguments: str) -> None:
    result = runner.invoke(app, ["baseline", "update", *arguments])
    assert result.exit_code == EXIT_OK, result.output


# Exit codes -------------------------------------------------------------------------------------


def test_clean_folder_exits_0(site: Path) -> None:
    (site / "content" / REWRITE).unlink()
    code, stdout, output = check("content")
    assert code == EXIT_OK, output
    assert "No near-duplicates among the articles read." in stdout
    assert "exit 0: no new near-duplicates (--fail-on new)" in stdout


def test_new_rewrite_exits_1_and_is_marked_new(site: Path) -> None:
    code, stdout, output = check("content")
    assert code == EXIT_DUPLICATES, output
    assert f"NEW       rewrite    {REWRITE} ↔ {WIRE}" in stdout
    assert "(1 new, 0 accepted, 0 allowed)" in stdout
    assert "exit 1: 1 new near-duplicate pair (--fail-on new)" in stdout


def test_usage_error_exits_2(site: Path) -> None:
    code, _, output = check("content", "--fail-on", "sometimes")
    assert code == EXIT_ERROR, output
    code, _, output = check("content", "--match-threshold", "2")
    assert code == EXIT_ERROR, output
    assert "match_threshold must be in" in output


def test_checking_zero_articles_is_an_error(site: Path) -> None:
    (site / "empty").mkdir()
    code, _, output = check("empty")
    assert code == EXIT_ERROR, output
    assert "no articles read from empty" in output
    assert "Traceback" not in output


def test_a_missing_path_reads_nothing_and_is_an_error(site: Path) -> None:
    code, _, output = check("nowhere")
    assert code == EXIT_ERROR, output
    assert "no articles read" in output


def test_only_unreadable_files_is_an_error(site: Path) -> None:
    (site / "blank").mkdir()
    (site / "blank" / "a.txt").write_text("\n\n", encoding="utf-8")
    code, _, output = check("blank")
    assert code == EXIT_ERROR, output
    assert "1 file found" in output and "empty file" in output


def test_help_documents_the_check_exit_codes() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == EXIT_OK, result.output
    text = " ".join(result.stdout.split())
    assert f"Exit codes: {EXIT_OK} nothing new above the thresholds" in text
    assert f"{EXIT_DUPLICATES} near-duplicates found that fail the check" in text
    assert f"{EXIT_ERROR} usage or input error, including a check that read no article" in text
    assert "[tool.dupecheck]" in text
    for option in ("--baseline", "--fail-on", "--changed-since", "--files-from", "--no-gitignore"):
        assert option in text


def test_baseline_update_help() -> None:
    result = runner.invoke(app, ["baseline", "update", "--help"])
    assert result.exit_code == EXIT_OK, result.output
    assert "--baseline" in result.stdout


# Baseline: new, accepted, resolved --------------------------------------------------------------


def test_baseline_accepts_what_it_recorded(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    code, stdout, output = check("content", "--baseline", BASELINE)
    assert code == EXIT_OK, output
    assert f"ACCEPTED  rewrite    {REWRITE} ↔ {WIRE}" in stdout
    assert "(0 new, 1 accepted, 0 allowed)" in stdout


def test_fail_on_any_fails_on_accepted_pairs(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    code, stdout, output = check("content", "--baseline", BASELINE, "--fail-on", "any")
    assert code == EXIT_DUPLICATES, output
    assert "exit 1: 1 near-duplicate pair, accepted in the baseline or not, (--fail-on any)" in stdout


def test_a_rename_and_a_whitespace_edit_keep_the_pair_accepted(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    content = site / "content"
    (content / REWRITE).rename(content / "barrier-story-v2.md")
    rewrapped = sample(WIRE).replace(". ", ".\n", 5).replace("\n\n", "  \n\n   ", 3) + "\n\n\n"
    (content / WIRE).write_text(rewrapped, encoding="utf-8")
    code, stdout, output = check("content", "--baseline", BASELINE)
    assert code == EXIT_OK, output
    assert f"ACCEPTED  rewrite    barrier-story-v2.md ↔ {WIRE}" in stdout
    assert "no longer occur" not in stdout


def test_an_edited_article_is_new_and_its_old_entry_resolved(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    edited = sample(REWRITE).replace("\n\n", "\n\nThe story was updated on Tuesday with new figures.\n\n", 1)
    (site / "content" / REWRITE).write_text(edited, encoding="utf-8")
    code, stdout, output = check("content", "--baseline", BASELINE)
    assert code == EXIT_DUPLICATES, output
    assert f"NEW       rewrite    {REWRITE} ↔ {WIRE}" in stdout
    assert "Baseline entries that no longer occur" in stdout
    assert "1 baseline entry no longer occurs" in stdout


def test_a_removed_article_resolves_its_entry(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    (site / "content" / REWRITE).unlink()
    code, stdout, output = check("content", "--baseline", BASELINE, "-f", "json")
    assert code == EXIT_OK, output
    resolved = json.loads(stdout)["check"]["resolved"]
    assert [(entry["a"]["id"], entry["b"]["id"]) for entry in resolved] in (
        [(REWRITE, WIRE)],
        [(WIRE, REWRITE)],
    )


def test_a_missing_baseline_is_an_error_that_says_how_to_make_one(site: Path) -> None:
    code, _, output = check("content", "--baseline", "nope.json")
    assert code == EXIT_ERROR, output
    assert "dupecheck baseline update" in output


def test_a_configured_baseline_not_made_yet_says_to_run_baseline_update_first(site: Path) -> None:
    (site / ".dupecheck.toml").write_text(f'baseline = "{BASELINE}"\n', encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert f"{BASELINE}: no such baseline; create it with `dupecheck baseline update PATH..." in output


def test_scan_reads_what_ignore_files_leave_out_of_a_check(site: Path) -> None:
    (site / ".dupecheckignore").write_text(f"{REWRITE}\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_OK, output
    result = runner.invoke(app, ["scan", "content", "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert f"content/{REWRITE}" in {d["source"] for d in json.loads(result.stdout)["documents"]}


def test_baseline_update_refuses_to_overwrite_another_json_file(site: Path) -> None:
    (site / "report.json").write_text('{"schema": "dupecheck.scan/1"}', encoding="utf-8")
    result = runner.invoke(app, ["baseline", "update", "content", "--baseline", "report.json"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "not a dupecheck.baseline/1 file" in result.output


@pytest.mark.parametrize(
    ("arguments", "config"),
    [
        (["--baseline", BASELINE, "-f", "json", "-o", BASELINE], ""),
        (["-f", "json", "-o", "link.json"], f'baseline = "{BASELINE}"\n'),  # a link to the baseline
        ([], f'baseline = "{BASELINE}"\nformat = ["json"]\noutput = ["./{BASELINE}"]\n'),
        (["--baseline", BASELINE, "--cache", BASELINE], ""),
    ],
)
def test_a_check_never_writes_over_its_baseline(site: Path, arguments: list[str], config: str) -> None:
    update("content", "--baseline", BASELINE)
    accepted = (site / BASELINE).read_bytes()
    (site / "link.json").symlink_to(site / BASELINE)
    (site / ".dupecheck.toml").write_text(config, encoding="utf-8")
    code, _, output = check("content", *arguments)
    assert code == EXIT_ERROR, output
    assert f"is the same file as --baseline {BASELINE}" in output
    assert (site / BASELINE).read_bytes() == accepted


def test_baseline_update_never_writes_its_cache_over_the_baseline(site: Path) -> None:
    result = runner.invoke(
        app, ["baseline", "update", "content", "--baseline", BASELINE, "--cache", BASELINE]
    )
    assert result.exit_code == EXIT_ERROR, result.output
    assert f"--cache {BASELINE} is the same file as --baseline {BASELINE}" in result.output
    assert not (site / BASELINE).exists()


def test_baseline_update_needs_a_file(site: Path) -> None:
    result = runner.invoke(app, ["baseline", "update", "content"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "--baseline FILE" in result.output


def test_baseline_update_is_deterministic_and_leaves_allowed_pairs_out(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    first = (site / BASELINE).read_bytes()
    update("content", "--baseline", BASELINE)
    assert (site / BASELINE).read_bytes() == first
    assert len(read_baseline(site / BASELINE).entries) == 1

    (site / ".dupecheck.toml").write_text(
        f'[[allow]]\npair = ["content/{WIRE}", "content/{REWRITE}"]\nreason = "licensed"\n', encoding="utf-8"
    )
    update("content", "--baseline", BASELINE)
    assert read_baseline(site / BASELINE).entries == ()


# Changed articles -------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A git repository whose first commit holds the wire story, its light edit and two others."""
    monkeypatch.chdir(tmp_path)
    content = write_articles(tmp_path / "content", WIRE, "flood-barrier-light-edit.txt", FERRY, LIBRARY)
    assert content.is_dir()
    return tmp_path, commit_all(tmp_path, "first articles")


def test_changed_since_checks_only_pairs_with_a_changed_article(repo: tuple[Path, str]) -> None:
    root, first = repo
    code, stdout, output = check("content", "--changed-since", first)
    assert code == EXIT_OK, output  # the old copy is not looked at again
    assert "10 articles" not in stdout and "4 articles read, 0 changed" in stdout

    write_articles(root / "content", REWRITE)
    commit_all(root, "a rewrite")
    code, stdout, output = check("content", "--changed-since", first, "-f", "json")
    assert code == EXIT_DUPLICATES, output
    report = json.loads(stdout)
    assert report["check"]["changed"] == [REWRITE]
    pairs = {(finding["a"], finding["b"]) for finding in report["check"]["new"]}
    assert pairs and all(REWRITE in pair for pair in pairs)
    assert ("flood-barrier-light-edit.txt", WIRE) not in pairs


def test_changed_since_counts_untracked_files_and_renames(repo: tuple[Path, str]) -> None:
    root, first = repo
    write_articles(root / "drafts", REWRITE)  # untracked
    code, stdout, output = check("content", "drafts", "--changed-since", first)
    assert code == EXIT_DUPLICATES, output
    assert f"drafts/{REWRITE}" in stdout

    (root / "drafts" / REWRITE).unlink()
    git(root, "mv", f"content/{WIRE}", "content/renamed-wire.txt")
    changed = check("content", "--changed-since", first, "-f", "json")
    assert changed[0] == EXIT_DUPLICATES, changed[2]
    assert json.loads(changed[1])["check"]["changed"] == ["renamed-wire.txt"]


def test_changed_since_with_a_bad_ref_is_an_error(repo: tuple[Path, str]) -> None:
    code, _, output = check("content", "--changed-since", "no-such-branch")
    assert code == EXIT_ERROR, output
    assert "--changed-since no-such-branch" in output


def test_changed_since_outside_a_repository_is_an_error(site: Path) -> None:
    code, _, output = check("content", "--changed-since", "HEAD")
    assert code == EXIT_ERROR, output
    assert "not in a git repository" in output


def test_files_from_stdin(site: Path) -> None:
    code, stdout, output = check("content", "--files-from", "-", stdin=f"content/{FERRY}\n\n")
    assert code == EXIT_OK, output
    assert "1 changed" in stdout
    code, stdout, output = check("content", "--files-from", "-", stdin=f"README.md\ncontent/{REWRITE}\n")
    assert code == EXIT_DUPLICATES, output
    assert f"NEW       rewrite    {REWRITE} ↔ {WIRE}" in stdout


def test_files_from_a_file(site: Path) -> None:
    (site / "changed.txt").write_text(f"{site / 'content' / FERRY}\n", encoding="utf-8")
    code, _, output = check("content", "--files-from", "changed.txt")
    assert code == EXIT_OK, output


# Ignore files and allow entries -----------------------------------------------------------------


def test_dupecheckignore_in_the_current_folder(site: Path) -> None:
    (site / ".dupecheckignore").write_text(f"# archived copies\ncontent/{REWRITE}\n", encoding="utf-8")
    code, stdout, output = check("content")
    assert code == EXIT_OK, output
    assert "3 articles read" in stdout


def test_dupecheckignore_in_the_scanned_folder(site: Path) -> None:
    (site / "content" / ".dupecheckignore").write_text("flood-*\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_OK, output


def test_gitignore_is_respected_unless_turned_off(site: Path) -> None:
    (site / "content" / ".gitignore").write_text(f"/{REWRITE}\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_OK, output
    code, _, output = check("content", "--no-gitignore")
    assert code == EXIT_DUPLICATES, output


def test_ignoring_everything_is_an_error(site: Path) -> None:
    (site / ".dupecheckignore").write_text("*.txt\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert "0 files found" in output


def _allow(site: Path, extra: str = "") -> None:
    (site / "pyproject.toml").write_text(
        "[project]\nname = 'newsroom'\n\n"
        "[[tool.dupecheck.allow]]\n"
        f'pair = ["content/{REWRITE}", "{WIRE}"]\n'
        'reason = "rewritten with the agency\'s permission"\n' + extra,
        encoding="utf-8",
    )


def test_an_allowed_pair_passes_with_its_reason(site: Path) -> None:
    _allow(site)
    code, stdout, output = check("content")
    assert code == EXIT_OK, output
    assert f"ALLOWED   rewrite    {REWRITE} ↔ {WIRE}" in stdout
    assert "allowed: rewritten with the agency's permission (pyproject.toml, allow entry 1)" in stdout


def test_an_unexpired_entry_allows(site: Path) -> None:
    _allow(site, "expires = 2999-12-31\n")
    code, stdout, output = check("content")
    assert code == EXIT_OK, output
    assert "until 2999-12-31" in stdout


def test_an_expired_entry_no_longer_allows_and_says_so(site: Path) -> None:
    _allow(site, "expires = 2001-01-31\n")
    code, stdout, output = check("content")
    assert code == EXIT_DUPLICATES, output
    assert f"NEW       rewrite    {REWRITE} ↔ {WIRE}" in stdout
    assert "pyproject.toml, allow entry 1: expired on 2001-01-31" in stdout


def test_an_allow_entry_without_reason_is_an_error(site: Path) -> None:
    (site / ".dupecheck.toml").write_text('[[allow]]\ngroup = ["a.md", "b.md", "c.md"]\n', encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert ".dupecheck.toml, allow entry 1: 'reason' is required" in output


# Configuration ----------------------------------------------------------------------------------


def test_config_sets_options_and_the_command_line_wins(site: Path) -> None:
    update("content", "--baseline", BASELINE)
    (site / ".dupecheck.toml").write_text(f'baseline = "{BASELINE}"\nfail-on = "any"\n', encoding="utf-8")
    code, stdout, output = check("content")
    assert code == EXIT_DUPLICATES, output  # the baseline accepts the pair, fail-on any fails it
    assert "1 accepted" in stdout
    code, _, output = check("content", "--fail-on", "new")
    assert code == EXIT_OK, output


def test_config_matching_setting_and_command_line_override(site: Path) -> None:
    (site / "pyproject.toml").write_text("[tool.dupecheck]\nanchor_threshold = 1.0\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_OK, output  # nothing matches that closely
    code, _, output = check("content", "--anchor-threshold", "0.4")
    assert code == EXIT_DUPLICATES, output


def test_config_formats_and_outputs(site: Path) -> None:
    (site / ".dupecheck.toml").write_text(
        'format = ["json", "console"]\noutput = ["report.json"]\n', encoding="utf-8"
    )
    code, stdout, output = check("content")
    assert code == EXIT_DUPLICATES, output
    assert stdout.startswith("dupecheck check:")
    assert json.loads((site / "report.json").read_text(encoding="utf-8"))["check"]["failed"] is True


def test_unknown_config_key_is_an_error_naming_key_and_file(site: Path) -> None:
    (site / "pyproject.toml").write_text("[tool.dupecheck]\nmatch-treshold = 0.2\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert "pyproject.toml: unknown key 'match-treshold'; did you mean 'match-threshold'?" in output


def test_a_bad_config_value_is_an_error(site: Path) -> None:
    (site / ".dupecheck.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert ".dupecheck.toml: 'fail_on' must be one of: new, any" in output


def test_a_bool_where_a_config_number_belongs_is_an_error(site: Path) -> None:
    (site / ".dupecheck.toml").write_text("jobs = true\n", encoding="utf-8")
    code, _, output = check("content")
    assert code == EXIT_ERROR, output
    assert ".dupecheck.toml: 'jobs' must be an integer, got true" in output


# Output -----------------------------------------------------------------------------------------


def test_auto_format_resolves_to_github_inside_github_actions() -> None:
    assert resolve_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    assert resolve_format("auto", {"CI": "true"}) == "console"
    assert resolve_format("markdown", {"GITHUB_ACTIONS": "true"}) == "markdown"


def test_auto_format_outside_github_actions_is_the_console(site: Path) -> None:
    code, stdout, output = check("content", "--format", "auto")
    assert code == EXIT_DUPLICATES, output
    assert "NEW       rewrite" in stdout


def test_json_has_the_scan_and_the_check(site: Path) -> None:
    code, stdout, output = check("content", "--format", "json")
    assert code == EXIT_DUPLICATES, output
    report = json.loads(stdout)
    assert report["schema"] == "dupecheck.scan/1"
    assert report["check"]["schema"] == "dupecheck.check/1"
    assert [(f["a"], f["b"], f["relation"]) for f in report["check"]["new"]] == [(REWRITE, WIRE, "rewrite")]
    assert report["check"]["accepted"] == report["check"]["allowed"] == report["check"]["resolved"] == []
    written = io.StringIO()
    dump(report, written)
    assert stdout == written.getvalue()  # the scan's layout: a line per document and pair
    assert "exit 1: 1 new near-duplicate pair" in output  # the verdict still reaches stderr


def test_several_formats_pair_with_outputs_in_order(site: Path) -> None:
    code, stdout, output = check("content", "-f", "json", "-f", "console", "-o", "check.json")
    assert code == EXIT_DUPLICATES, output
    assert "NEW       rewrite" in stdout
    assert json.loads((site / "check.json").read_text(encoding="utf-8"))["check"]["new"]


def test_two_formats_for_the_screen_is_an_error(site: Path) -> None:
    code, _, output = check("content", "-f", "json", "-f", "console")
    assert code == EXIT_ERROR, output
    assert "only one --format can write to standard output" in output


def test_plan_outputs() -> None:
    assert plan_outputs([], [], env={}) == (Destination("console"),)
    assert plan_outputs([], [Path("r.txt")], env={}) == (Destination("console", Path("r.txt")),)
    assert plan_outputs(["auto"], [], env={"GITHUB_ACTIONS": "true"}) == (Destination("github"),)
    with pytest.raises(SettingsError, match="give a --format for each --output"):
        plan_outputs(["json"], [Path("a"), Path("b")], env={})
    with pytest.raises(SettingsError, match="given twice"):
        plan_outputs(["json", "console"], [Path("a"), Path("./a")], env={})
    with pytest.raises(SettingsError, match="unknown format 'yaml'"):
        plan_outputs(["yaml"], [], env={})


# The library ------------------------------------------------------------------------------------

TEXT = "The council voted eleven to four to fund a tidal barrier after the storm surge flooded the quay."


def test_check_articles_classifies_and_never_prints(capsys: pytest.CaptureFixture[str]) -> None:
    articles = [
        Article("a", TEXT),
        Article("b", TEXT + " It will cost millions."),
        Article("c", "Other news."),
    ]
    result = check_articles(articles)
    assert [(f.pair.a, f.pair.b, f.status) for f in result.findings] == [("a", "b", Status.NEW)]
    assert result.failing(FailOn.NEW) == result.findings
    assert capsys.readouterr() == ("", "")


def test_check_of_no_articles_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no articles"):
        check_articles([])
    with pytest.raises(InputError, match="no articles read"):
        check_paths([tmp_path])


def test_classify_is_deterministic_and_sorted_new_first() -> None:
    articles = [
        Article(name, TEXT + suffix) for name, suffix in (("x", ""), ("y", " More."), ("z", " Again."))
    ]
    report = find_duplicates(articles)
    first, second = classify(report, today=datetime.date(2026, 1, 1)), classify(report)
    assert first.findings == second.findings
    assert [f.status for f in first.findings] == [Status.NEW] * 3


def test_focus_verifies_only_pairs_with_a_focused_article() -> None:
    articles = [
        Article(name, TEXT + suffix) for name, suffix in (("x", ""), ("y", " More."), ("z", " Again."))
    ]
    everything = find_duplicates(articles)
    focused = find_duplicates(articles, focus=["z"])
    assert focused.pairs == tuple(pair for pair in everything.pairs if "z" in (pair.a, pair.b))
    assert find_duplicates(articles, focus=[]).pairs == ()


def test_changed_ids_maps_files_to_articles() -> None:
    articles = [Article("a.md", "...", "news/a.md"), Article("7", "...", "feed.jsonl:3", record=True)]
    assert changed_ids(articles, ["./news/a.md", "feed.jsonl"]) == ("a.md", "7")
    assert changed_ids(articles, ["other.md"]) == ()
    # A file of its own named like a record's source is that file, not a line of another.
    assert changed_ids([Article("notes:12", "...", "notes:12")], ["notes:12"]) == ("notes:12",)


def test_changed_ids_follow_links_to_the_changed_file(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "b.md").write_text("...", encoding="utf-8")
    (news / "alias.md").symlink_to(news / "b.md")
    (tmp_path / "mirror").symlink_to(news, target_is_directory=True)
    articles = [
        Article(name, "...", str(tmp_path / name)) for name in ("news/b.md", "news/alias.md", "mirror/b.md")
    ]
    assert changed_ids(articles, [news / "b.md"]) == ("news/b.md", "news/alias.md", "mirror/b.md")
    assert changed_ids(articles, [tmp_path / "mirror" / "alias.md"]) == changed_ids(articles, [news / "b.md"])
    (news / "c.md").write_text("...", encoding="utf-8")
    assert changed_ids([*articles, Article("c", "...", str(news / "c.md"))], [news / "c.md"]) == ("c",)


def test_config_cache_and_jobs_are_used_by_the_check(site: Path) -> None:
    (site / ".dupecheck.toml").write_text('cache = ".dupecheck-cache"\njobs = 1\n', encoding="utf-8")
    first = check("content")
    assert (site / ".dupecheck-cache").stat().st_size > 0
    assert check("content") == first


def test_failing_report_groups_as_a_scan_of_every_article_would() -> None:
    texts = [FERRY, WIRE, LIBRARY, WIRE + " Officials said more later.", REWRITE]
    articles = [Article(f"n{number}", text) for number, text in enumerate(texts)]
    result = check_articles(articles)
    report = failing_report(result, FailOn.NEW)
    ids = [document.id for document in result.report.documents]
    pairs = sorted(report.pairs, key=lambda pair: (ids.index(pair.a), ids.index(pair.b)))
    assert report.pairs == tuple(pairs) and pairs
    assert report.groups == groups_of(ids, [(ids.index(pair.a), ids.index(pair.b)) for pair in pairs])


def test_classify_without_a_baseline_reads_only_the_paired_articles() -> None:
    articles = [Article(f"n{number}", text) for number, text in enumerate([FERRY, WIRE, LIBRARY, REWRITE])]
    report = find_duplicates(articles)
    store = CountedStore(whole=False)
    store.extend(report.documents)
    result = classify(dataclasses.replace(report, documents=store))
    paired = {store.ids.index(name) for pair in report.pairs for name in (pair.a, pair.b)}
    assert sorted(store.read) == sorted(paired) and paired
    assert result.findings == classify(report).findings
