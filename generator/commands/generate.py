from __future__ import annotations

from pathlib import Path

import click

from generator.corpus import DEFAULT_TEMPLATE, TEMPLATE_CHOICES, capacity, generate_corpus
from generator.runtime.progress import StageProgress


@click.command("generate-corpus")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files, byte for byte.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write the .docx files and manifest.csv into.")
@click.option("--template", "family", type=click.Choice(TEMPLATE_CHOICES), default="mixed", show_default=True,
              help="Template family of the tables: Hebei's, the Ministry of Finance format, the 部门…预算表 format, "
                   "or the three in turn.")
@click.option("--styles", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=DEFAULT_TEMPLATE,
              show_default=True, help="Corpus .docx whose styles and settings the files reuse.")
def generate_command(count: int, seed: int, out_dir: Path, family: str, styles: Path) -> None:
    """Write COUNT synthetic disclosures (realistic, consistent figures) for scale tests."""
    if count > capacity():
        raise click.BadParameter(f"at most {capacity()} distinct disclosures can be generated", param_hint="COUNT")
    with StageProgress("generate", count, click.echo) as progress:
        generate_corpus(count, seed, out_dir, styles, progress=lambda done: progress.advance(), family=family)
    click.echo(f"wrote {count} disclosures ({family}) and manifest.csv to {out_dir}")
