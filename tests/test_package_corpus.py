"""The data package of the bundled corpus, built twice (in separate processes with different
hash seeds): it validates with frictionless, it is byte-identical, and pandas reads
it with the documented types."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.package import read_resource
from generator.package.schema import RESOURCES

ROOT = Path(__file__).resolve().parent.parent
GUANTAO_2024 = "handan-guantao-224001-50b4ce-2024"


BUILD = """
import sys
from pathlib import Path
from generator.pipeline.build import BuildOptions, build
out = Path(sys.argv[1])
build(BuildOptions(source_dir=Path(sys.argv[2]), datapackage_dir=out / "datapackage", site_dir=out / "site",
                   cache_dir=None, with_site=False))
"""


def start_build(out: Path, hash_seed: str) -> subprocess.Popen:
    """The pipeline up to the data package (the site is not needed here, and takes longest)."""
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen([sys.executable, "-c", BUILD, str(out), str(ROOT / "source_docs")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, cwd=out)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    running = [start_build(first, "1"), start_build(second, "2")]  # side by side: half the wait
    for process in running:
        output, _ = process.communicate()
        assert process.returncode == 0, output
        assert "data package: valid" in output
    return first / "datapackage", second / "datapackage"


def test_frictionless_validates_the_corpus_package(builds):
    frictionless = shutil.which("frictionless")
    assert frictionless, "the frictionless command comes with the frictionless package"
    result = subprocess.run([frictionless, "validate", "datapackage/datapackage.json"], cwd=builds[0].parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_two_builds_are_byte_identical(builds):
    first, second = builds
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) > len(RESOURCES)
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []


def test_pandas_reads_every_resource_with_the_documented_types(builds):
    for resource in RESOURCES:
        frame = read_resource(builds[0], resource.name)
        assert list(frame.columns) == resource.field_names
        for field in resource.fields:
            dtype = str(frame[field.name].dtype)
            if field.type == "number":
                assert dtype == "float64", (resource.name, field.name)
            if field.name.endswith("code"):
                assert dtype == "string", (resource.name, field.name)
                if field.pattern:
                    assert all(re.fullmatch(field.pattern, code) for code in frame[field.name].dropna())


def test_real_figures_survive_the_round_trip(builds):
    expenditure = read_resource(builds[0], "expenditure_by_function")
    guantao = expenditure[expenditure["disclosure_id"] == GUANTAO_2024]
    assert guantao.iloc[0]["function_name"] == "合计"
    assert guantao.iloc[0]["total"] == 1167600.00  # 116.76万元
    administration = guantao[guantao["function_code"] == "2013701"].iloc[0]
    assert (administration["total"], administration["basic"]) == (1014300.00, 579900.00)
    codes = read_resource(builds[0], "function_codes").set_index("code")
    assert codes.loc["2013701", "name"] == "行政运行" and codes.loc["2013701", "parent_code"] == "20137"
    assert codes.loc["20137", "parent_code"] == "201"
    economic = read_resource(builds[0], "economic_codes").set_index("code")
    assert economic.loc["30101", "name"] == "基本工资" and economic.loc["30101", "parent_code"] == "301"
    raw = (builds[0] / "expenditure_by_function.csv").read_text(encoding="utf-8")
    assert f"{GUANTAO_2024},1,,合计,true,1167600.00,733200.00,434400.00,,," in raw
