"""A local preview of the built site: its pages link to each other by relative folder URLs
(``units/<id>/``), which a browser resolves to ``index.html`` only through a web server."""

from __future__ import annotations

import functools
import http.server
import os
from pathlib import Path

SERVE_PORT = 8000
# The charts are SVG and the search index JSON: sent with their types, whatever the host's mime table says.
_TYPES = {".svg": "image/svg+xml", ".json": "application/json", ".js": "text/javascript", ".css": "text/css"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return _TYPES.get(Path(path).suffix.lower()) or super().guess_type(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


def site_server(site_dir: Path, host: str = "127.0.0.1", port: int = SERVE_PORT) -> http.server.ThreadingHTTPServer:
    """A server of ``site_dir`` (port 0: any free port); ``serve_forever`` runs it."""
    handler = functools.partial(_Handler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
