"""`comments demo`: migrate the local database, make the default site and serve on :5000 (the
article) and :5001 (the same server as the comments host the article embeds)."""

from __future__ import annotations

import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade


@click.command()
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=1, show_default=True,
              help="Processes; more than one needs COMMENTS_RATELIMIT_STORAGE_URI on Redis.")
@with_appcontext
def demo(port: int, workers: int) -> None:
    """Prepare an install on the embedded SQLite database and serve it with a demo article."""
    from comments.cli.serve import serve
    from comments.errors import SiteNotFound
    from comments.services.sites import create_site, get_site

    upgrade(directory=current_app.extensions["migrate"].directory)
    base = f"http://127.0.0.1:{port}"
    try:
        get_site("default")
    except SiteNotFound:
        create_site("default", base, name="The Daily Demo",
                    origins=[f"http://localhost:{port}"])
        click.echo(f"Created the default site for {base}")
    # The served app and the mail worker are built afresh: tell them, through the environment,
    # to show the article and that every link in mail starts from the address served here.
    os.environ["COMMENTS_DEMO"] = "true"
    os.environ["COMMENTS_PUBLIC_URL"] = base
    # The thread comes from the next port: another origin on the same site, as a real
    # deployment's comments.example.com under www.example.com, so the reader's state is kept.
    os.environ["COMMENTS_DEMO_EMBED_ORIGIN"] = f"http://127.0.0.1:{port + 1}"
    click.echo(f"Open {base}/ for the demo article; the API is under {base}/api/v1/")
    # A mail worker beside the server, so what the demo would mail lands in instance/mail/.
    mailer = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [sys.executable, "-c", "from comments.cli import main; main()", "worker"]
    )
    ctx = click.get_current_context()
    try:
        ctx.invoke(serve, bind=(f"127.0.0.1:{port}", f"127.0.0.1:{port + 1}"), workers=workers, threads=None,
                   timeout=30, access_log=True)
    finally:
        mailer.terminate()
        mailer.wait(timeout=30)
