"""Stable, safe ASCII names for units and files: document text never becomes a path as is."""

from __future__ import annotations

import hashlib
import re

from pypinyin import lazy_pinyin

_REGION_SUFFIX = re.compile(r"(?:省|市|区|县|自治县|自治州|地区|盟|旗)$")
_NOT_SAFE = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, max_length: int = 40) -> str:
    """Lowercase ASCII letters, digits and single dashes; Chinese as pinyin."""
    romanised = "-".join(lazy_pinyin(text, errors="ignore"))
    slug = _NOT_SAFE.sub("-", romanised.lower()).strip("-")
    return slug[:max_length].strip("-")


def region_slug(name: str) -> str:
    """石家庄市 → shijiazhuang, 馆陶县 → guantao (the administrative suffix dropped)."""
    core = _REGION_SUFFIX.sub("", name) if len(name) > 2 else name
    return ascii_slug(core).replace("-", "")


def short_hash(*parts: str, length: int = 6) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def unit_id(province: str, city: str, county: str, unit_code: str, unit_name: str) -> str:
    """E.g. shijiazhuang-luancheng-224-1a2b3c: readable region and code, and a hash of the
    full identity (region, code, name), since the same code in another county is another unit."""
    # A name with no Chinese (pinyin drops ASCII) slugs to "": skipped, not an empty segment.
    region = [slug for part in (city, county) if (slug := region_slug(part))] or ["unknown"]
    code = _NOT_SAFE.sub("", unit_code.lower())
    return "-".join([*region, *([code] if code else []), short_hash(province, city, county, unit_code, unit_name)])
