"""The build's log lines name unreadable files without letting their names drive the terminal."""

from __future__ import annotations

from generator.pipeline.build import BuildOptions, build


def test_control_characters_in_file_names_are_escaped(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "bad\x1b[2J.docx").write_bytes(b"")
    lines: list[str] = []
    result = build(BuildOptions(source, tmp_path / "dp", tmp_path / "site", cache_dir=None, jobs=1,
                                with_site=False), log=lines.append)
    assert [u.file for u in result.unreadable] == ["bad\x1b[2J.docx"]
    unreadable = [line for line in lines if line.startswith("unreadable:")]
    assert len(unreadable) == 1
    assert "\x1b" not in unreadable[0] and "bad\\x1b[2J.docx" in unreadable[0]


def test_the_build_ends_with_a_summary_and_lists_failures_only_when_verbose(built_site):
    lines = built_site.log
    options = built_site.options
    assert "documents: 5 read, 0 unreadable" in lines
    checks = next(line for line in lines if line.startswith("checks: ") and " run, " in line)
    failed = built_site.result.checks.count("fail")
    assert failed > 0 and f" {failed} failed in 4 of 5 disclosures (--verbose lists them)" in checks
    assert f"report: {options.datapackage_dir}/build_report.json" in lines
    assert lines[-1].startswith(f"site: {options.site_dir}/ (preview: budget-site serve")
    assert not any(line.lstrip().startswith("FAIL ") for line in lines)


def test_verbose_lists_every_failed_check(tmp_path):
    from conftest import SOURCE_DOCS

    lines: list[str] = []
    result = build(BuildOptions(SOURCE_DOCS, tmp_path / "dp", tmp_path / "site", cache_dir=None, jobs=1,
                                with_site=False, verbose=True), log=lines.append)
    assert sum(1 for line in lines if line.startswith("  FAIL ")) == result.checks.count("fail")


def test_serve_previews_the_site_with_folder_links(built_site):
    import threading
    import urllib.request

    from generator.site.serve import site_server

    server = site_server(built_site.options.site_dir, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        unit = next(d.unit.unit_id for d in built_site.result.load_disclosures())
        with urllib.request.urlopen(f"{base}/units/{unit}/") as response:
            assert response.status == 200 and "<h1" in response.read().decode("utf-8")
        chart = next((built_site.options.site_dir / "units" / unit).glob("*.svg")).name
        with urllib.request.urlopen(f"{base}/units/{unit}/{chart}") as response:
            assert response.headers["Content-Type"] == "image/svg+xml"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
