"""Every command of the CLI is documented in the README, and the README names no command
that does not exist (the sqlite-utils rule: the docs cannot drift from the code)."""

from __future__ import annotations

import re

from conftest import ROOT

from generator.cli import cli


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`budget-site ([a-z][a-z-]*)", readme))
    assert documented == set(cli.commands), (documented, set(cli.commands))


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help and len(command.help.strip()) > 20, name
