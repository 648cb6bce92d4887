from __future__ import annotations

from pathlib import Path

import click

from generator.site.serve import SERVE_PORT, site_server


@click.command("serve")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("site"), show_default=True, help="The built site to preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=SERVE_PORT, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is reachable from this machine only.")
def serve_command(site_dir: Path, port: int, host: str) -> None:
    """Preview the built site on localhost (opening site/index.html from disk breaks its folder
    links). Runs until interrupted with Ctrl-C."""
    server = site_server(site_dir, host, port)
    click.echo(f"serving {site_dir}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
