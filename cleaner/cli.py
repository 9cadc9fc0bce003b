"""The `clean` command: a thin shell over the library."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .config import DEFAULT_MAX_BYTES, DEFAULT_REPEATS, DEFAULT_THRESHOLD, KINDS, Config
from .errors import CleanerError
from .types import CATEGORIES


class DefaultGroup(click.Group):
    """`clean INPUT...` runs the `run` command; `clean train`, `clean eval` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cleaner")
def main() -> None:
    """Clean scraped articles and report every block removed.

    \b
    clean INPUT... -o OUT     clean files and folders (same as `clean run`)
    clean - < page.html       clean standard input to standard output
    clean train / clean eval  rebuild or measure the model
    """


def _config(
    threshold: float, keep: tuple[str, ...], model: Path | None, kind: str, max_bytes: int, repeats: int = 0
) -> Config:
    try:
        return Config(threshold=threshold, keep=frozenset(keep), model_path=model, kind=kind, max_bytes=max_bytes,
                      repeats=repeats)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (mirrors the input tree).")
@click.option("--keep", multiple=True, type=click.Choice(CATEGORIES), help="Never remove this category (repeatable).")
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True,
              help="Junk score from which a block is removed.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: all cores).")
@click.option("--kind", type=click.Choice(KINDS), default="auto", show_default=True, help="Input kind.")
@click.option("--model", type=click.Path(path_type=Path), help="Model file (default: the shipped model).")
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse larger inputs.")
@click.option("--repeats", type=int, default=DEFAULT_REPEATS, show_default=True, metavar="PAGES",
              help="Remove blocks found on at least PAGES pages of their site (reads inputs twice; 0: off).")
@click.option("--report", type=click.Path(path_type=Path), help="With `-`: write the JSON report of the document here.")
@click.option("--resume", is_flag=True, help="Skip inputs whose outputs are already written.")
@click.option("--follow-links", is_flag=True, help="Follow symbolic links out of input folders.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary.")
@click.option("--review", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write one HTML page to review the documents cleaned and every block removed.")
def run(inputs: tuple[str, ...], output: Path | None, keep: tuple[str, ...], threshold: float, jobs: int,
        kind: str, model: Path | None, max_bytes: int, repeats: int, report: Path | None, resume: bool,
        follow_links: bool, quiet: bool, review: Path | None) -> None:
    """Clean INPUT files and folders (.txt, .html, .htm, .jsonl, .warc; gzipped too) into -o OUT; `-` is stdin."""
    from . import run as runner
    from .review import ReviewWriter

    config = _config(threshold, keep, model, kind, max_bytes, repeats)
    files = [i for i in inputs if i != "-"]
    if files and output is None:
        raise click.UsageError("give an output folder with -o when cleaning files or folders")
    if "-" in inputs and files:
        raise click.UsageError("`-` (standard input) cannot be mixed with files")
    if jobs < 0:
        raise click.UsageError("--jobs must be 0 (all cores) or more")
    if repeats and not files:
        raise click.UsageError("--repeats reads the inputs twice: give files or folders, not `-`")
    jobs = jobs or os.cpu_count() or 1
    result = runner.Report()
    if files:
        assert output is not None
        try:
            runner.check_output(files, output)
            if review:
                runner.check_output(files, review, what="review page", option="--review")
        except CleanerError as error:
            raise click.UsageError(str(error)) from error
    review_page = ReviewWriter(review) if review else None
    try:
        table = None
        if files:
            assert output is not None
            if repeats:
                table = runner.count_repeats(files, output, config=config, jobs=jobs, follow_links=follow_links)
            events = runner.file_events(files, output, config=config, resume=resume,
                                        follow_links=follow_links, report=result)
        else:
            events = runner.stdin_events(sys.stdin.buffer, sys.stdout, report_path=report)
        with tqdm(unit=" docs", file=sys.stderr, disable=quiet or not sys.stderr.isatty()) as bar:
            runner.run(events, config=config, jobs=jobs, report=result, progress=bar.update, repeats=table,
                       warn=lambda message: tqdm.write(f"error: {message}", file=sys.stderr),
                       on_result=review_page.add if review_page else lambda *_: None)
    except CleanerError as error:
        raise click.ClickException(str(error)) from error
    if review_page:
        review_page.close()
    if not quiet:
        click.echo(result.summary(), err=True)
    sys.exit(result.return_code)


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"),
              show_default=True, help="The corpus folder (junk templates, own articles, labelled docs).")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared/data"),
              show_default=True, help="Public data folder (bbc/, scrapinghub/).")
@click.option("--seeds", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared/seeds"),
              show_default=True, help="A folder with expected.json to report on (not trained on).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("models/default.skops"),
              show_default=True, help="Model file to write (its card is written beside it).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the generator.")
@click.option("--validation", is_flag=True,
              help="Leave the test split out and measure on a validation share of the training data "
                   "(to choose features and settings; not a model to ship).")
@click.option("--write-heldout", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the generated documents measured on (held-out or validation) as corpus "
                   "JSONL, for `clean eval --errors`.")
def train(
    corpus: Path, data: Path, seeds: Path, output: Path, seed: int, validation: bool, write_heldout: Path | None
) -> None:
    """Rebuild the model from the corpus and the public data, deterministically."""
    from . import model as model_io
    from .train import train as fit_and_measure

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not corpus.is_dir():
        raise click.UsageError(f"corpus folder {corpus} not found")
    _check_writable(output, "-o")
    if write_heldout:
        _check_writable(write_heldout, "--write-heldout")
    try:
        model, results = fit_and_measure(
            corpus, data, seed=seed, seeds=seeds if seeds.is_dir() else None, validation=validation,
            heldout_path=write_heldout,
        )
        model_io.save(model, output)
    except CleanerError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(results, indent=1))
    click.echo(f"wrote {output} and {model_io.card_path(output).name}", err=True)


def _check_writable(path: Path, option: str) -> None:
    """Refuse, before minutes of training rather than after, a file that cannot be written."""
    if path.is_dir():
        raise click.UsageError(f"{option} {path} is a folder; give the file to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        raise click.UsageError(f"cannot write {path}: {error}; choose another {option}") from error


@main.command(name="eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", type=click.Path(path_type=Path), help="Model file (default: the shipped model).")
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list every block got wrong: article removed (category, score, reason) or junk kept.")
def evaluate(paths: tuple[Path, ...], model: Path | None, threshold: float, as_json: bool, show_errors: bool) -> None:
    """Measure the model on labelled documents (corpus JSONL, .jsonl or .jsonl.gz, a folder of them, or a
    folder with expected.json)."""
    from .pipeline import Cleaner
    from .train import clean_examples, errors, labels_of, metrics, read_labelled

    try:
        cleaner = Cleaner(_config(threshold, (), model, "auto", DEFAULT_MAX_BYTES))
        for path in paths:
            examples = read_labelled(path)
            results = clean_examples(cleaner, examples)
            scores = metrics(examples, labels_of(examples, results))
            click.echo(json.dumps({str(path): scores}, indent=1) if as_json else format_metrics(str(path), scores))
            if show_errors:
                click.echo("\n".join(errors(examples, results)))
    except CleanerError as error:
        raise click.ClickException(str(error)) from error


def format_metrics(name: str, m: dict[str, Any]) -> str:
    """Metrics as a Markdown table."""
    lines = [
        f"## {name}: {m['documents']} documents, {m['blocks']} blocks ({m['junk_blocks']} junk)",
        "",
        f"junk lines: precision {m['junk_precision']:.4f}, recall {m['junk_recall']:.4f}, F1 {m['junk_f1']:.4f}",
        f"article-line retention {m['article_retention']:.4f}; documents cleaned perfectly {m['perfect_documents']:.4f}",
        "",
        "| category | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for category, c in m["categories"].items():
        lines.append(f"| {category} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("text_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("report_file", type=click.Path(path_type=Path, dir_okay=False), required=False)
def restore(text_file: Path, report_file: Path | None) -> None:
    """Rebuild a document's text before cleaning from OUT/x.txt and its report (default OUT/x.json)."""
    from .emit import restore as rebuild

    report_file = report_file or text_file.with_suffix(".json")
    try:
        report = json.loads(report_file.read_text(encoding="utf-8"))
        text = text_file.read_text(encoding="utf-8")
        click.echo(rebuild(text[:-1] if text.endswith("\n") else text, report))
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"{report_file}: {error}") from error
