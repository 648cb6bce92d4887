"""The download zips (one per disclosure and per unit, and the whole package), and the workbook:
each made of the disclosures' pieces (stage.Made), a zip taken from the store when the same
rows, options and code made it before."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package.descriptor import CsvFile, PackageMeta, metadata_files
from generator.package.fields import ID_PATTERN, ResourceSchema
from generator.package.formats import EXCEL_ROW_LIMIT, Sheet, sheet_head, sheet_rows_xml, xlsx_bytes, xlsx_chunks
from generator.package.rows import PER_DISCLOSURE, PackageDataError, PackageRows
from generator.package.schema import RESOURCES
from generator.package.stage import CHECKS, Stage, csv_header, inflated, parts_key
from generator.package.zips import AnyPiece, Content, Joined, Piece, Stored, WrittenFile, zip_bytes
from generator.runtime.files import link_or_copy

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header


# A workbook's checks sheet would pass Excel's row limit at about 3,200 disclosures, and passed
# checks are of little use in Excel: every workbook lists the failed ones (checks.csv has all).
WORKBOOK_CHECKS_NOTE = ("工作簿只列出未通过的核对（status = fail）；全部核对结果见 checks.csv。"
                        "Workbooks list failed checks only; checks.csv has every outcome.")



def unit_download(unit_id: str) -> str:
    """Path, inside the package folder, of the zip of one unit (all years). For a unit with one
    year it is the same file as that year's disclosure_download (a hard link where the file
    system has them)."""
    return f"downloads/units/{unit_id}.zip"


def disclosure_download(disclosure_id: str) -> str:
    """Path, inside the package folder, of the zip of one disclosure (one unit-year)."""
    return f"downloads/disclosures/{disclosure_id}.zip"


def bulk_download(name: str) -> str:
    """The whole package as one zip, at the same name in every snapshot."""
    return f"downloads/{name}.zip"


def database_file(name: str) -> str:
    """The whole package as one SQLite database (generator.package.database)."""
    return f"{name}.sqlite"


def _readme_rows(notes: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(sheet_name(resource), f"{resource.name}.csv",
             " ".join(filter(None, (resource.description, notes.get(resource.name))))) for resource in RESOURCES]


@functools.cache
def resource_sheet_head(resource: ResourceSchema) -> Piece:
    return sheet_head(resource.fields)


def sheet_name(resource: ResourceSchema) -> str:
    """The resource's Chinese title (Excel: at most 31 characters, none of []:*?/\\)."""
    if len(resource.title) > 31 or set(resource.title) & set("[]:*?/\\"):
        raise ValueError(f"{resource.name}: its title cannot name a worksheet: {resource.title!r}")
    return resource.title


@functools.cache
def header_piece(resource: ResourceSchema) -> Piece:
    return Piece.of(csv_header(resource))


@functools.lru_cache(maxsize=256)
def shared_pieces(resource: ResourceSchema, data: bytes) -> tuple[Piece, Piece]:
    """CSV and sheet rows of a resource not kept per disclosure (code lists, catalogues): most
    downloads hold the same ones."""
    return Piece.of(data), Piece.of(sheet_rows_xml(resource.fields, data.split(b"\n", 1)[1]))


def _package_members(stage: Stage, members: list[Header], meta: PackageMeta) -> dict[str, Content]:
    """The files of the package filtered to members (one disclosure, or a unit's), by name."""
    sub_rows = stage.filtered(members)
    ids = [d.disclosure_id for d in sub_rows.disclosures]
    pieces = [stage.deflated[disclosure_id] for disclosure_id in ids]
    csv_members: dict[str, Content] = {}
    sheets, digests = [], {}
    for resource in RESOURCES:
        if resource.name in PER_DISCLOSURE:
            # A unit's CSV joins its years' (a tenth of the downloads): inflated again to be hashed.
            digests[resource.name] = pieces[0].csv_files[resource.name] if len(pieces) == 1 else \
                CsvFile.of(csv_header(resource), *(inflated(p.csv[resource.name]) for p in pieces))
            csv_members[f"{resource.name}.csv"] = [header_piece(resource), *(p.csv[resource.name] for p in pieces)]
            sheets.append(Sheet(sheet_name(resource), resource_sheet_head(resource), [p.sheets[resource.name] for p in pieces],
                                len(resource.fields)))
        else:
            data = stage.shared_csv(resource, sub_rows.shared[resource.name])
            digests[resource.name] = CsvFile.of(data)
            csv_piece, sheet_piece = shared_pieces(resource, data)
            csv_members[f"{resource.name}.csv"] = [csv_piece]
            sheets.append(Sheet(sheet_name(resource), resource_sheet_head(resource), [sheet_piece], len(resource.fields)))
    files: dict[str, Content] = dict(csv_members)
    files.update(metadata_files(sub_rows.disclosures, meta, digests, stage.row_counts(sub_rows), downloads=False))
    files[f"{meta.name}.xlsx"] = Stored(xlsx_bytes(_readme_rows({CHECKS.name: WORKBOOK_CHECKS_NOTE}), sheets,
                                                    meta.created))
    return files


def download_groups(rows: PackageRows) -> dict[str, list[Header]]:
    """Unit id → its disclosures, in package order; refuses an id unsafe as a file name."""
    groups: dict[str, list[Header]] = {}
    for disclosure in rows.disclosures:
        for path_id in (disclosure.unit.unit_id, disclosure.disclosure_id):
            if not re.fullmatch(ID_PATTERN, path_id):
                raise PackageDataError(f"{path_id!r} is not a safe file name")
        groups.setdefault(disclosure.unit.unit_id, []).append(disclosure)
    return groups


def _write_download(stage: Stage, staging: Path, path: str, path_id: str, members: list[Header]) -> None:
    """One download zip: from the cache when the same rows, options and code made it before."""
    meta = stage.meta
    title = members[0].unit.unit_name + ("" if path_id == members[0].unit.unit_id else f" {members[0].year}")
    sub_meta = replace(meta, name=f"{meta.name}-{path_id}", title=f"{meta.title}：{title}",
                       description=f"{meta.description} Filtered to {path_id}.")
    key = parts_key(repr(sub_meta), path, *(stage.keys[d.disclosure_id] for d in members))
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    cached = stage.cache.zip(key)
    if cached is not None:
        data, stage.digests[path] = cached
        target.write_bytes(data)
        stage.reused += 1
        return
    data = zip_bytes(_package_members(stage, members, sub_meta), meta.created)
    target.write_bytes(data)
    stage.digests[path] = hashlib.sha256(data).hexdigest()
    stage.cache.put_zip(key, data)
    stage.made.append(path)


def write_downloads(stage: Stage, staging: Path) -> None:
    for unit_id, members in download_groups(stage.rows).items():
        for disclosure in members:
            _write_download(stage, staging, disclosure_download(disclosure.disclosure_id), disclosure.disclosure_id,
                            [disclosure])
        if len(members) == 1:
            link_or_copy(staging / disclosure_download(members[0].disclosure_id), staging / unit_download(unit_id))
            stage.digests[unit_download(unit_id)] = stage.digests[disclosure_download(members[0].disclosure_id)]
        else:
            _write_download(stage, staging, unit_download(unit_id), unit_id, members)


def main_workbook(stage: Stage) -> Iterator[bytes]:
    """The whole package as one workbook, in chunks; a sheet that would still pass Excel's row
    limit is cut at it (said in its 说明 row; the CSVs have every row)."""
    sheets, notes = [], {CHECKS.name: WORKBOOK_CHECKS_NOTE}
    ids = [d.disclosure_id for d in stage.rows.disclosures]
    for resource in RESOURCES:
        if resource.name not in PER_DISCLOSURE:
            sheet_piece = shared_pieces(resource, stage.shared_csv(resource, stage.rows.shared[resource.name]))[1]
            sheets.append(Sheet(sheet_name(resource), resource_sheet_head(resource), [sheet_piece], len(resource.fields)))
            continue
        room, pieces = EXCEL_ROW_LIMIT - 2, list[AnyPiece]()
        for disclosure_id in ids:
            deflated = stage.deflated[disclosure_id]
            count = deflated.failed_check_rows if resource is CHECKS else stage.counts[resource.name][disclosure_id]
            if count > room:
                notes[resource.name] = (
                    f"超出 Excel 的 {EXCEL_ROW_LIMIT:,} 行上限：只列出前 {len(pieces):,} 个披露的数据，全部数据见 "
                    f"{resource.name}.csv。 Cut at Excel's row limit: the first {len(pieces):,} disclosures only; "
                    f"{resource.name}.csv has every row.")
                break
            room -= count
            pieces.append(deflated.sheets[resource.name])
        sheets.append(Sheet(sheet_name(resource), resource_sheet_head(resource), pieces, len(resource.fields)))
    return xlsx_chunks(_readme_rows(notes), sheets, stage.meta.created)


def bulk_members(stage: Stage, files: dict[str, bytes], csvs: dict[str, CsvFile], workbook: WrittenFile
                 ) -> dict[str, Content]:
    """The package files with a licence note and a SHA256SUMS file to verify them."""
    meta = stage.meta
    license_note = (f"{meta.title} — version {meta.version}\n\n"
                    f"Licensed under {meta.license.get('title', meta.license['name'])} "
                    f"({meta.license['name']}): {meta.license.get('path', '')}\n"
                    "The source documents are public budget disclosures of the units named in units.csv.\n")
    plain = {**files, "LICENSE.txt": license_note.encode("utf-8")}
    sums = {path: hashlib.sha256(content).hexdigest() for path, content in plain.items()}
    members: dict[str, Content] = dict(plain)
    sums.update({f"{name}.csv": csv.sha256 for name, csv in csvs.items()})
    sums[f"{meta.name}.xlsx"] = workbook.sha256
    members["SHA256SUMS"] = "".join(f"{sha}  {path}\n" for path, sha in sorted(sums.items())).encode("utf-8")
    for resource in RESOURCES:
        if resource.name in PER_DISCLOSURE:
            members[f"{resource.name}.csv"] = Joined([header_piece(resource), *(
                stage.deflated[d.disclosure_id].csv[resource.name] for d in stage.rows.disclosures)],
                stage.crcs[resource.name], csvs[resource.name].size)
        else:
            members[f"{resource.name}.csv"] = [
                shared_pieces(resource, stage.shared_csv(resource, stage.rows.shared[resource.name]))[0]]
    members[f"{meta.name}.xlsx"] = workbook
    # One top-level folder: unpacking it does not scatter the package's files into the current folder.
    return {f"{meta.name}/{path}": content for path, content in members.items()}


