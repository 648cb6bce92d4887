"""A synthetic corpus: N disclosures with figures that add up, for scale tests, round trips
and benchmarks, in the corpus's own Word layout or in another template family's (the
Ministry of Finance format, the "部门…预算表" format) with their layout variants; "mixed"
draws the family of each file.

Deterministic: the same seed gives the same files, byte for byte, and disclosure i is the
same whatever N is (a corpus of 100 is the first 100 files of a corpus of 1,000). Each
(region, department, scope, year) is used once, so no two files describe the same unit-year.
Units publish as real ones do: every year in turn, in one template family, so that a corpus
of N files holds about N/7 units and 6N/7 pairs of consecutive years (a random sample of
unit-years would hold pairs in proportion to N², which no real corpus does).
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice, product
from pathlib import Path

from generator.corpus.disclosure import DisclosureSpec
from generator.corpus.docx import DocumentXml, Package
from generator.corpus.figures import Budget, plan_budget
from generator.corpus.ledger import Ledger
from generator.corpus.regions import DEPARTMENTS, PROVINCE, Department, Region, all_regions
from generator.corpus.variant import FAMILIES, draw_template
from generator.corpus.writers import compose
from generator.pipeline.sources import MANIFEST_FIELDS, MANIFEST_NAME

YEARS = tuple(range(2020, 2027))
SCOPES = ("部门", "单位")
TEMPLATE_CHOICES = (*FAMILIES, "mixed")
# The corpus's fullest document: its styles, fonts and settings dress every synthetic file.
DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "source_docs" / "2024_邯郸市_馆陶县_网信办本级_单位预算.docx"


@dataclass(frozen=True)
class GeneratedFile:
    file: str
    spec: DisclosureSpec
    revision: int = 0

    def manifest_row(self, seed: int) -> dict[str, str]:
        spec = self.spec
        return {"file": self.file, "province": PROVINCE, "city": spec.region.city, "county": spec.region.county,
                "year": str(spec.year), "scope": spec.scope, "source_url": "",
                "note": f"synthetic (seed {seed}" + (f", revision {self.revision})" if self.revision else ")")}


def capacity() -> int:
    """How many distinct disclosures a corpus can hold."""
    return len(all_regions()) * len(DEPARTMENTS) * len(SCOPES) * len(YEARS)


def plan_corpus(count: int, seed: int, template: str = "mixed") -> list[GeneratedFile]:
    """Which disclosures a corpus of ``count`` holds: a seeded shuffle of every unit
    (region, department, scope), each publishing every year of ``YEARS`` in turn, of which
    the first ``count`` files, each unit in the template family ``template`` (or, "mixed",
    the families in turn by unit, so that any prefix holds them in about equal parts)."""
    if template not in TEMPLATE_CHOICES:
        raise ValueError(f"unknown template {template!r}: one of {', '.join(TEMPLATE_CHOICES)}")
    if count > capacity():
        raise ValueError(f"at most {capacity()} distinct disclosures can be generated, not {count}")
    units = list(product(all_regions(), DEPARTMENTS, SCOPES))
    random.Random(f"corpus:{seed}").shuffle(units)
    unit_years = ((unit_index, unit, year) for unit_index, unit in enumerate(units) for year in YEARS)
    files = []
    for unit_index, (region, department, scope), year in islice(unit_years, count):
        family = FAMILIES[unit_index % len(FAMILIES)] if template == "mixed" else template
        files.append(plan_unit_year(seed, region, department, scope, family, year))
    return files


def plan_unit_year(seed: int, region: Region, department: Department, scope: str, family: str,
                   year: int) -> GeneratedFile:
    """One unit's disclosure of one year: its money unit drawn from the seed, and its layout
    variant, the unit's in every year (a unit's identity includes the code its layout prints)."""
    unit = (seed, region.city, region.county, department.short, scope)
    # One in ten Hebei-template files publishes in 元, as 003 does; half of the others.
    money_unit = "元" if _rng(*unit, year, "unit").random() < (0.1 if family == "hebei" else 0.5) else "万元"
    spec = DisclosureSpec(region, department, year, scope, money_unit, draw_template(_rng(*unit, "template"), family))
    name = "_".join(part for part in (str(year), region.city, region.county,
                                      department.short + ("本级" if scope == "单位" else ""), f"{scope}预算") if part)
    return GeneratedFile(f"{name}.docx", spec)


def _rng(*parts) -> random.Random:
    key = "\x1f".join(str(part) for part in parts)
    return random.Random(hashlib.sha256(key.encode("utf-8")).digest())


def plan_file(generated: GeneratedFile, seed: int) -> Budget:
    """The figures of one file: what its tables and narrative must say."""
    spec = generated.spec
    rng = _rng(seed, spec.region.city, spec.region.county, spec.department.short, spec.scope, spec.year,
               "figures", generated.revision)
    return plan_budget(rng, spec.department, spec.region, spec.year, spec.scope, spec.unit_name)


def compose_file(generated: GeneratedFile, seed: int) -> tuple[DocumentXml, Ledger]:
    """The Word body of one file and the ledger of the figures its tables were written with."""
    return compose(generated.spec, plan_file(generated, seed))


def render_file(generated: GeneratedFile, seed: int, package: Package) -> bytes:
    return package.write(compose_file(generated, seed)[0], generated.spec.title)


def generate_corpus(count: int, seed: int, out_dir: Path, template: Path = DEFAULT_TEMPLATE,
                    progress: Callable[[int], None] | None = None, family: str = "mixed") -> list[GeneratedFile]:
    """Write ``count`` .docx files and manifest.csv into ``out_dir``, in the template family
    ``family`` (or mixed), dressed in the styles of ``template``; returns what was written."""
    package = Package(template)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = plan_corpus(count, seed, family)
    for index, generated in enumerate(files, start=1):
        (out_dir / generated.file).write_bytes(render_file(generated, seed, package))
        if progress:
            progress(index)
    write_manifest(out_dir, files, seed)
    return files


def revise_file(out_dir: Path, generated: GeneratedFile, seed: int, revision: int,
                template: Path = DEFAULT_TEMPLATE) -> GeneratedFile:
    """Rewrite one file with other figures (a corrected publication), as an incremental
    build would meet it; the manifest row notes the revision."""
    revised = GeneratedFile(generated.file, generated.spec, revision)
    (out_dir / revised.file).write_bytes(render_file(revised, seed, Package(template)))
    rows = read_manifest_rows(out_dir)
    rows = [revised.manifest_row(seed) if row["file"] == revised.file else row for row in rows]
    _write_rows(out_dir, rows)
    return revised


def write_manifest(out_dir: Path, files: list[GeneratedFile], seed: int) -> None:
    _write_rows(out_dir, [generated.manifest_row(seed) for generated in files])


def read_manifest_rows(out_dir: Path) -> list[dict[str, str]]:
    with (out_dir / MANIFEST_NAME).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_rows(out_dir: Path, rows: list[dict[str, str]]) -> None:
    with (out_dir / MANIFEST_NAME).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
