"""``megagen view DIR``: check a build folder, (re)write its ``index.html``, print its path.

Registered on the ``megagen`` group by one import at the end of :mod:`megagen.cli`.
The page is written from the folder's manifest and what is on disk now, so it also
shows builds made before the viewer existed and warns about missing level images.
A folder that cannot be shown is one line on stderr and exit code 2; if it holds a
megagen page, that page is rewritten to say the same thing.
"""
from __future__ import annotations

from pathlib import Path

import click

from .cli import cli
from .errors import OutputError


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), metavar="DIR")
@click.option("--open", "open_", is_flag=True, help="Open the page in the default web browser.")
def view(folder: Path, open_: bool) -> None:
    """Write DIR/index.html (the build's viewer) and print its path."""
    from .viewer import PAGE, FolderProblem, payload, read_manifest, write_error_page, write_payload

    folder = folder.expanduser()
    try:
        manifest = read_manifest(folder)
    except FolderProblem as exc:
        if (folder / PAGE).is_file() and (folder / "levels").is_dir():
            try:
                write_error_page(folder, str(exc))
            except OSError:
                pass
        raise OutputError(str(exc)) from None
    data = payload(folder, manifest)
    try:
        page = write_payload(folder, data)
    except OSError as exc:
        raise OutputError(f"cannot write {folder / PAGE} ({exc.strerror or exc})") from None
    uri = page.resolve().as_uri()
    click.echo(str(page))
    if open_:
        import webbrowser

        if not webbrowser.open(uri):
            click.echo(f"could not start a browser; open {uri}", err=True)
    missing = [p for p in data["problems"] if "missing" in p]
    if data["missing_count"]:
        raise OutputError(f"{folder}: {missing[0]}")
