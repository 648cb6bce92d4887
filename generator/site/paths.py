"""What the site package ships and reads: its package data and the docs folder's state file.

A module of its own, without imports, so that the render stage can find the templates without
loading MkDocs, and the site stage can read what the render stage wrote without a cycle.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
# The MkDocs defaults (site name, theme, hooks, plugins); a publisher overrides keys with --site-config.
CONFIG_FILE = HERE / "mkdocs.yml"
# The render stage's Jinja templates (*.j2), the site's assets/ and the theme's overrides/.
TEMPLATES_DIR = HERE / "site_templates"
# In the docs folder: the navigation, SOURCE_DATE_EPOCH and the docs files' checksums, written by
# the render stage for build_site (a dot file: MkDocs does not publish it).
SITE_STATE = ".site.json"
