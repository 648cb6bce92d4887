from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click

from generator.read.safety import office_program

CONVERTED_DIR = ".converted"
"""Where originals go once converted; hidden, so the build skips it."""
TIMEOUT = 120


@click.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
def convert_command(files: tuple[Path, ...]) -> None:
    """Convert legacy .doc (or .rtf) FILES to .docx with LibreOffice, beside the original.

    The original moves to .converted/ in its folder, so the next build reads the .docx
    only. A build converts legacy files itself when LibreOffice is installed; this keeps a
    folder of .docx only. Rename the file in manifest.csv.
    """
    office = office_program()
    if office is None:
        raise click.ClickException("LibreOffice is not installed (no soffice or libreoffice on PATH); "
                                   "install it, or open each file in Word and save it as .docx")
    for file in files:
        target = file.with_suffix(".docx")
        if target.exists():
            raise click.ClickException(f"{target} exists already; not overwritten")
        try:
            subprocess.run([office, "--headless", "--convert-to", "docx", "--outdir", str(file.parent), str(file)],
                           check=True, timeout=TIMEOUT, capture_output=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise click.ClickException(f"{file}: LibreOffice failed: {error}") from error
        if not target.exists():
            raise click.ClickException(f"{file}: LibreOffice wrote no {target.name}")
        kept = file.parent / CONVERTED_DIR
        kept.mkdir(exist_ok=True)
        shutil.move(file, kept / file.name)
        click.echo(f"{file.name} → {target.name} (original in {CONVERTED_DIR}/); rename it in manifest.csv")
