"""The site stage: the rendered docs folder → the static site, built by MkDocs and indexed by Pagefind.

The package owns everything the site is made with besides the rendered pages: its MkDocs hooks
(``hooks.py``), and as package data the MkDocs defaults (``mkdocs.yml``) and the templates
(``site_templates/``: the render stage's Jinja templates, the site's assets and the theme's
overrides), so an installed wheel builds a site from any folder. ``serve.py`` previews a built site.
"""

from generator.site.builder import SiteBuildError, SiteConfigError, build_site, read_site_config
from generator.site.paths import CONFIG_FILE, SITE_STATE, TEMPLATES_DIR

__all__ = ["CONFIG_FILE", "SITE_STATE", "TEMPLATES_DIR", "SiteBuildError", "SiteConfigError", "build_site", "read_site_config"]
