"""Site stage: the rendered docs folder → the static site, built by MkDocs (mkdocs-material).

The build runs in strict mode: a warning (a broken link, an external asset caught by the
privacy plugin) fails it. The hooks in generator/site_hooks.py put each page's tables (HTML
fragments from the render stage) in after the search plugin has indexed the page. Same docs
folder, same bytes: the sitemap's date comes from the sources (SOURCE_DATE_EPOCH), and nothing
else in the output depends on the clock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Iterator

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError

from generator.render.pages import SITE_STATE

CONFIG_FILE = Path(__file__).resolve().parents[1] / "mkdocs.yml"


class SiteBuildError(Exception):
    def __init__(self, warnings: list[str]) -> None:
        super().__init__("the site build failed:\n" + "\n".join(warnings))
        self.warnings = warnings


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def build_site(docs_dir: Path, site_dir: Path) -> None:
    """Build ``site_dir`` from ``docs_dir`` (written by render_site); raise SiteBuildError on any warning."""
    state = json.loads((docs_dir / SITE_STATE).read_text(encoding="utf-8"))
    config = load_config(str(CONFIG_FILE), docs_dir=str(docs_dir.resolve()), site_dir=str(site_dir.resolve()),
                         nav=state["nav"], strict=True)
    # jieba announces loading its dictionary on every build; only its warnings matter here.
    logging.getLogger("jieba").setLevel(logging.WARNING)
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with _environment("SOURCE_DATE_EPOCH", str(state["source_date_epoch"])):
            build(config)
    except (Abort, BuildError) as error:
        raise SiteBuildError(collect.messages or [str(error)]) from error
    finally:
        logger.removeHandler(collect)
    if collect.messages:
        raise SiteBuildError(collect.messages)
