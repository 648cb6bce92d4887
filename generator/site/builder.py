"""Site stage: the rendered docs folder → the static site, built by MkDocs (mkdocs-material).

The build runs in strict mode: a warning (a broken link, an external asset caught by the
privacy plugin) fails it. The hooks in generator/site/hooks.py put each page's tables (HTML
fragments from the render stage) in after its Markdown is converted. Same docs folder, same
bytes: the sitemap's date comes from the sources (SOURCE_DATE_EPOCH), and nothing else in the
output depends on the clock.

Search: Pagefind (its extended build, which segments Chinese) indexes the built site into
``pagefind/``, in parts kept in the store (generator.site.search): each an index split in chunks,
of which a query loads only those holding its words, and one fragment per result shown, so what
a reader downloads stays small as the site grows.
Every page's article is indexed, tables included, so a figure's name (培训费, a project, a
functional class) finds its unit page; the site's search page links to the row it is in.

Configuration: the package's mkdocs.yml (generator/site/mkdocs.yml) holds the defaults; a publisher
changes the site's name, description, copyright or address with a YAML file of the same top-level
keys (``budget-site build --site-config FILE``), each of which replaces the default's value.

Incremental builds: when nothing the whole site is made from changed since the published site
was built (its fingerprint: navigation, site URL, SOURCE_DATE_EPOCH, the site configuration's
overrides, and the code fingerprint, which covers the package: mkdocs.yml, the templates, the
hooks, every module, and the libraries' versions), the site is built
in MkDocs' dirty mode into a copy of the published site. What a site was built from (the
fingerprint and the docs files' checksums) is kept in the store (generator.runtime.store), and its hash
in the site (STAMP): the state is used only for the site it describes.
The outputs of the docs files that changed or vanished are removed from the copy first, and the
hooks rebuild exactly the pages and files whose output is missing, and put the standing blocks
into the pages kept whose standings alone changed; the search index's parts whose pages changed
are indexed again. The result is the bytes of a full build. Anything else: a full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

import yaml
from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File

from generator.render import fragments
from generator.runtime.files import remove_files, write_text
from generator.runtime.store import Store, code_fingerprint, open_store
from generator.site.conversion import SiteSource, site_config
from generator.site.paths import SITE_STATE
from generator.site.search import SearchIndexError, index_search

STAMP = ".build-state.sha256"  # in the site: the hash of its state (a dot file: a server hides it)
# What a dirty build writes into existing files, besides the theme's templates (404.html,
# sitemap.xml): the compressed sitemap. Pages and other files it writes only where they are
# missing (hooks.py: is_modified), and a page's file is unlinked first.
WRITTEN_IN_PLACE = ("sitemap.xml.gz",)
# The one warning of a dirty build, which strict mode would count as a failure.
DIRTY_WARNING = "A 'dirty' build is being performed, this will likely lead to inaccurate navigation"


# Set by the build itself: a site configuration may not override them.
BUILD_KEYS = frozenset({"docs_dir", "site_dir", "nav", "strict", "hooks"})


class SiteConfigError(Exception):
    """A --site-config file that cannot be read, or is not a mapping of mkdocs.yml's keys."""


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


class _WithoutDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def read_site_config(path: Path | None) -> dict[str, Any]:
    """A publisher's overrides of the packaged mkdocs.yml: top-level keys (site_name,
    site_description, copyright, site_url...) whose values replace the defaults; {} without a file."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SiteConfigError(f"the site configuration {path} cannot be read: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise SiteConfigError(f"the site configuration {path} is not a mapping of mkdocs.yml's keys")
    reserved = sorted(BUILD_KEYS & data.keys())
    if reserved:
        raise SiteConfigError(f"the site configuration {path} sets {', '.join(reserved)}, which the build sets")
    return data


def fingerprint(state: dict, config: MkDocsConfig, overrides: Mapping[str, Any]) -> str:
    """A hash of what every page of the site depends on, besides its own docs files."""
    return hashlib.sha256(json.dumps([state["nav"], state["source_date_epoch"], config.site_url, code_fingerprint(),
                                      overrides], ensure_ascii=False, sort_keys=True, default=str)
                          .encode("utf-8")).hexdigest()


def _state_text(site_fingerprint: str, files: dict[str, str]) -> str:
    return json.dumps({"fingerprint": site_fingerprint, "files": files}, sort_keys=True) + "\n"


def _published_state(store: Store, published: Path) -> dict | None:
    """What ``published`` was built from; None when the state kept is another site's (a build
    that failed after the site stage, a build without the cache, another site folder)."""
    data = store.get("site", "state")
    try:
        text = data.decode("utf-8") if data is not None else ""
        stamp = (published / STAMP).read_text(encoding="ascii").strip()
        state = json.loads(text)
    except (OSError, ValueError):
        return None
    return state if stamp == hashlib.sha256(text.encode("utf-8")).hexdigest() and isinstance(state, dict) else None


def _output(docs_file: str, config: MkDocsConfig) -> str | None:
    """Where the site holds what is built from a docs file (a fragments file: its page's HTML;
    a standings file: nothing of its own, its blocks are put into its page)."""
    path: PurePath = PurePosixPath(docs_file)
    if path.name.startswith("."):
        page = fragments.page_of(path)
        if page is None:
            return None
        path = page
    return File(path.as_posix(), config.docs_dir, config.site_dir, config.use_directory_urls).dest_uri


def _seed(published: Path, site_dir: Path, config: MkDocsConfig) -> None:
    """``site_dir`` as ``published``, file times kept: a copy of each file a dirty build writes
    into, a hard link to every other, which a dirty build replaces only after _remove_outputs has
    unlinked it. The published site stays as it was if the build fails."""
    site_dir.mkdir(parents=True, exist_ok=True)
    if not _linked_by_cp(published, site_dir):
        for folder, folders, names in os.walk(published):
            target = site_dir / Path(folder).relative_to(published)
            for name in folders:
                (target / name).mkdir(exist_ok=True)
            for name in names:
                try:
                    os.link(Path(folder, name), target / name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(Path(folder, name), target / name, follow_symlinks=False)
    for relative in [*config.theme.static_templates, *WRITTEN_IN_PLACE]:
        path = site_dir / relative
        if path.is_file():
            copy = path.with_name(f".{path.name}.copy")
            shutil.copy2(path, copy)
            os.replace(copy, path)


def _linked_by_cp(published: Path, site_dir: Path) -> bool:
    """GNU cp links a tree of thousands of files several times faster than Python; False, with
    ``site_dir`` left empty, where it is not there or cannot link (another cp, another disk)."""
    if shutil.which("cp") is None:
        return False
    done = subprocess.run(["cp", "-al", "--", f"{published}/.", str(site_dir)], capture_output=True).returncode == 0
    if not done:
        shutil.rmtree(site_dir)
        site_dir.mkdir()
    return done


def _remove_outputs(site_dir: Path, before: dict[str, str], now: dict[str, str], config: MkDocsConfig) -> list[str]:
    """Remove from the copied site what the docs files that changed or vanished were built into:
    the hooks rebuild what is missing, and what vanished stays out, as in a full build. Returns
    the pages kept whose standing blocks changed (generator.render.fragments)."""
    restanding = []
    for docs_file in sorted(before.keys() | now.keys()):
        if before.get(docs_file) == now.get(docs_file):
            continue
        page = fragments.standings_page_of(PurePosixPath(docs_file))
        if page is not None:
            restanding.append(page.as_posix())
        output = _output(docs_file, config)
        if output is not None:
            remove_files(site_dir, [output])
    return [page for page in restanding if page in now and (site_dir / str(_output(page, config))).is_file()]


def build_site(docs_dir: Path, site_dir: Path, published: Path | None = None, cache_dir: Path | None = None,
               overrides: Mapping[str, Any] | None = None, jobs: int | None = None) -> None:
    """Build ``site_dir`` from ``docs_dir`` (written by render_site); raise SiteBuildError on any warning.

    ``published``, the site published now, and ``cache_dir``, whose store keeps what the site was
    built from: built incrementally from ``published`` when nothing site-wide changed since.
    ``overrides``: values of mkdocs.yml's keys that replace the packaged defaults (read_site_config).
    ``jobs``: the search index's parts indexed at once (generator.site.search)."""
    overrides = dict(overrides or {})
    state = json.loads((docs_dir / SITE_STATE).read_text(encoding="utf-8"))
    config = site_config(docs_dir, site_dir, state["nav"], overrides)
    site_fingerprint = fingerprint(state, config, overrides)
    store = open_store(cache_dir)
    previous = _published_state(store, published) if published is not None else None
    # Measured at 1,000 unit pages, a full build split between two MkDocs processes took longer
    # than one process (31 and 47 s against 28 and 30 s, on two shared cores): it is one process.
    dirty, restanding = False, []
    if published is not None and previous is not None and previous.get("fingerprint") == site_fingerprint:
        _seed(published, site_dir, config)
        restanding = _remove_outputs(site_dir, previous.get("files", {}), state["files"], config)
        dirty = True
    _run_mkdocs(config, state, dirty=dirty, kept=store, source=SiteSource.of(docs_dir, site_dir, state["nav"], overrides),
                restanding=restanding)
    try:
        index_search(site_dir, store, jobs)
    except SearchIndexError as error:
        raise SiteBuildError([str(error)]) from error
    text = _state_text(site_fingerprint, state["files"])
    # in every site, so that a site built with the state and one built without are the same bytes
    write_text(site_dir / STAMP, hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n")
    store.put("site", "state", text.encode("utf-8"))


def _hooks(config: MkDocsConfig):
    # MkDocs annotates config.hooks as a list; it holds a dict of path → module.
    return next(iter(config.hooks.values()))  # type: ignore[attr-defined]


def _run_mkdocs(config: MkDocsConfig, state: dict, dirty: bool, kept: Store, source: SiteSource | None,
                restanding: Sequence[str] = ()) -> None:
    """MkDocs' build, strict; raise SiteBuildError with what it warned of. ``kept``: the store,
    which keeps what serves the next build (the theme's templates compiled); ``source``: where the
    build's workers, when it has them (not on a cluster), find the site to convert its pages
    (generator.site.conversion); None, or no workers: MkDocs converts them all. ``restanding``:
    the pages of a dirty build whose standing blocks alone changed."""
    # MkDocs loads the hooks module once per process: its state is set for every build.
    hooks = _hooks(config)
    hooks._Site.store, hooks._Site.source, hooks._Site.restanding = kept, source, list(restanding)
    collect, without_dirty_warning = _Collect(), _WithoutDirtyWarning()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    # at its source, so that neither the strict build's count nor ours sees it
    logging.getLogger("mkdocs.commands.build").addFilter(without_dirty_warning)
    try:
        with _environment("SOURCE_DATE_EPOCH", str(state["source_date_epoch"])):
            if dirty:
                build(config, dirty=True)
            else:
                build(config)
    except (Abort, BuildError) as error:
        raise SiteBuildError(collect.messages or [str(error)]) from error
    finally:
        hooks._Site.store = hooks._Site.source = None
        hooks._Site.restanding = []
        logger.removeHandler(collect)
        logging.getLogger("mkdocs.commands.build").removeFilter(without_dirty_warning)
    if collect.messages:
        raise SiteBuildError(collect.messages)
