"""Render stage: records, check outcomes and the data package → the Markdown docs folder of the site."""

from generator.render.pages import render_site

__all__ = ["render_site"]
