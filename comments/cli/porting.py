"""`comments import ...` and `comments export ...`: moving a site's comments in and out."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from flask.cli import with_appcontext

from comments.errors import DomainError, SiteNotFound
from comments.porting.loader import run_import
from comments.porting.records import UriMap
from comments.porting.summary import ImportOptions, ImportSummary
from comments.porting.xmlstream import UnreadableExport, open_export


def _import_options(command: Any) -> Any:
    for decorator in reversed([
        click.option("--site", "site_key", default="default", show_default=True,
                     help="The site to import into."),
        click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing."),
        click.option("--map", "maps", multiple=True, metavar="OLD=NEW",
                     help="Rewrite article links starting with OLD (repeatable), "
                          "e.g. --map https://old.example/blog/=/"),
        click.option("--keep-pingbacks", is_flag=True,
                     help="Import pingbacks and trackbacks too (skipped by default)."),
    ]):
        command = decorator(command)
    return command


def _uris(maps: tuple[str, ...]) -> UriMap:
    try:
        return UriMap.parse(maps)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from error


def _report(path: Path, run: Callable[[], ImportSummary]) -> None:
    try:
        summary = run()
    except UnreadableExport as error:
        raise click.ClickException(f"{path}: {error}. Nothing was imported.") from error
    except SiteNotFound as error:
        raise click.ClickException("No such site; create it with `comments sites add`.") from error
    except DomainError as error:
        details = "".join(f" {name}: {'; '.join(why)}." for name, why in (error.errors or {}).items())
        raise click.ClickException(f"{error.message}{details} Nothing was imported.") from error
    for line in summary.lines():
        click.echo(line)


def _import_file(path: Path, source: str, reader: Callable[[IO[bytes], UriMap], Iterator[Any]],
                 site_key: str, dry_run: bool, maps: tuple[str, ...], keep_pingbacks: bool) -> None:
    uris = _uris(maps)
    options = ImportOptions(site_key=site_key, source=source, dry_run=dry_run,
                            keep_pingbacks=keep_pingbacks)

    def run() -> ImportSummary:
        with click.progressbar(length=path.stat().st_size, label=f"Importing {path.name}",
                               file=sys.stderr) as bar, open_export(path, bar.update) as stream:
            return run_import(reader(stream, uris), options)

    _report(path, run)


@click.group("import")
def import_group() -> None:
    """Import comments from WordPress, Disqus, Isso or a JSON export of ours."""


FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@import_group.command("wordpress")
@click.argument("file", type=FILE)
@_import_options
@with_appcontext
def import_wordpress(file: Path, **options: Any) -> None:
    """Import a WordPress WXR export (.xml or .xml.gz)."""
    from comments.porting import wordpress

    _import_file(file, "wordpress", wordpress.read, **options)


@import_group.command("disqus")
@click.argument("file", type=FILE)
@_import_options
@with_appcontext
def import_disqus(file: Path, **options: Any) -> None:
    """Import a Disqus XML export (.xml or .xml.gz)."""
    from comments.porting import disqus

    _import_file(file, "disqus", disqus.read, **options)


@import_group.command("json")
@click.argument("file", type=FILE)
@_import_options
@with_appcontext
def import_json(file: Path, **options: Any) -> None:
    """Import a JSON export made by `comments export json` (.json or .json.gz)."""
    from comments.porting import jsonfile

    def read(stream: IO[bytes], uris: UriMap) -> Iterator[Any]:
        return jsonfile.read(jsonfile.load(stream), uris)

    _import_file(file, "json", read, **options)


@import_group.command("isso")
@click.argument("database", type=FILE)
@_import_options
@with_appcontext
def import_isso(database: Path, site_key: str, dry_run: bool, maps: tuple[str, ...],
                keep_pingbacks: bool) -> None:
    """Import an Isso SQLite database."""
    from comments.porting import isso

    uris = _uris(maps)
    options = ImportOptions(site_key=site_key, source="isso", dry_run=dry_run,
                            keep_pingbacks=keep_pingbacks)

    def run() -> ImportSummary:
        connection = isso.connect(database)
        try:
            label = f"Importing {database.name}"
            with click.progressbar(length=isso.count(connection), label=label,
                                   file=sys.stderr) as bar:
                def counted() -> Iterator[Any]:
                    for record in isso.read(connection, uris):
                        if not hasattr(record, "uri"):
                            bar.update(1)
                        yield record

                return run_import(counted(), options)
        finally:
            connection.close()

    _report(database, run)


@contextmanager
def _output(target: str) -> Iterator[IO[str]]:
    if target == "-":
        yield sys.stdout
    elif target.endswith(".gz"):
        with gzip.open(target, "wt", encoding="utf-8") as out:
            yield out
    else:
        with open(target, "w", encoding="utf-8") as out:
            yield out


@click.group("export")
def export_group() -> None:
    """Export a site's comments as our JSON or as WordPress WXR."""


def _export(site_key: str, output: str, writer: Callable[[Any, IO[str]], int]) -> None:
    from comments.services.sites import get_site

    try:
        site = get_site(site_key)
    except SiteNotFound as error:
        raise click.ClickException(f"No site with key {site_key!r}.") from error
    with _output(output) as out:
        written = writer(site, out)
    if output != "-":
        click.echo(f"Exported {written} comments of {site_key} to {output}", err=True)


@export_group.command("json")
@click.option("--site", "site_key", default="default", show_default=True)
@click.option("--output", "-o", default="-", show_default=True,
              help="File to write (.gz compresses); - for standard output.")
@with_appcontext
def export_json(site_key: str, output: str) -> None:
    """Everything needed to rebuild the site's comments elsewhere (`comments import json`)."""
    from comments.porting.export_json import write_json

    _export(site_key, output, write_json)


@export_group.command("wxr")
@click.option("--site", "site_key", default="default", show_default=True)
@click.option("--output", "-o", default="-", show_default=True,
              help="File to write (.gz compresses); - for standard output.")
@with_appcontext
def export_wxr(site_key: str, output: str) -> None:
    """WordPress WXR with comments, which WordPress and Disqus can import."""
    from comments.porting.export_wxr import write_wxr

    _export(site_key, output, write_wxr)
