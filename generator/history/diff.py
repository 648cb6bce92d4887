"""What changed between two data packages: per resource, rows added, removed and changed,
identified by each resource's primary key, with old → new values.

Works on any two package folders (a build against the last snapshot, or two git
revisions checked out by ``package_at_revision``); values are compared as the CSV
publishes them, so a difference is exactly what a user downloading the files would see.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    key: tuple[str, ...]
    changes: tuple[FieldChange, ...]


@dataclass
class ResourceDiff:
    resource: str
    key_fields: tuple[str, ...]
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    resource_added: bool = False
    resource_removed: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.resource_added or self.resource_removed)


@dataclass
class PackageDiff:
    old_label: str
    new_label: str
    resources: list[ResourceDiff] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return all(resource.is_empty for resource in self.resources)

    def changed_resources(self) -> list[ResourceDiff]:
        return [resource for resource in self.resources if not resource.is_empty]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def to_csv(self) -> str:
        """One line per changed value, added or removed row: for bulk processing."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["resource", "change", "key", "field", "old", "new"])
        for resource in self.changed_resources():
            for key in resource.added:
                writer.writerow([resource.resource, "added", "|".join(key), "", "", ""])
            for key in resource.removed:
                writer.writerow([resource.resource, "removed", "|".join(key), "", "", ""])
            for row in resource.changed:
                for change in row.changes:
                    writer.writerow([resource.resource, "changed", "|".join(row.key), change.field, change.old,
                                     change.new])
        return out.getvalue()

    def to_markdown(self, max_rows: int = 200) -> str:
        lines = [f"Changes from `{self.old_label}` to `{self.new_label}`.", ""]
        if self.is_empty:
            return "\n".join(lines + ["No data changed.", ""])
        lines += ["| resource | added | removed | changed |", "|---|---:|---:|---:|"]
        for resource in self.changed_resources():
            lines.append(f"| {resource.resource} | {len(resource.added)} | {len(resource.removed)} "
                         f"| {len(resource.changed)} |")
        for resource in self.changed_resources():
            lines += ["", f"### {resource.resource}", ""]
            if resource.resource_added or resource.resource_removed:
                lines += ["New resource." if resource.resource_added else "Resource removed.", ""]
            shown = 0
            key_label = ", ".join(resource.key_fields)
            for label, keys in (("added", resource.added), ("removed", resource.removed)):
                for key in keys:
                    if shown < max_rows:
                        lines.append(f"- {label}: {_markdown_code(' | '.join(key))}")
                    shown += 1
            for row in resource.changed:
                if shown < max_rows:
                    values = "; ".join(f"{_markdown_code(c.field)}: {_markdown_code(c.old)} → {_markdown_code(c.new)}"
                                       for c in row.changes)
                    lines.append(f"- changed {_markdown_code(' | '.join(row.key))}: {values}")
                shown += 1
            if shown > max_rows:
                lines.append(f"- … and {shown - max_rows} more ({key_label}); see the JSON or CSV diff")
        return "\n".join(lines) + "\n"


def _markdown_code(text: str) -> str:
    """Inline code span for any text: document strings never become Markdown or HTML."""
    text = text.replace("\n", " ")
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{padding}{text or ' '}{padding}{fence}"


def _load_descriptor(package_dir: Path) -> dict:
    path = package_dir / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"resources": []}


# Fields that name a row by what it is, not where it stands: a diff keyed by them reports an
# inserted row as one addition, where a key on the line number would shift every row below.
NATURAL_KEY_FIELDS = ("side", "table", "function_code", "economic_code", "code", "item", "function_name",
                      "economic_name", "name", "fact", "qualifier", "project_name", "level1", "level2", "level3",
                      "description", "rule", "location")


def _key(row: dict, fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(row.get(name, "") for name in fields)


def _resource_rows(package_dir: Path, resource: dict) -> tuple[tuple[str, ...], dict[tuple[str, ...], dict]]:
    """Rows by natural key where it is unique in this package, else by the primary key."""
    schema = resource.get("schema", {})
    key = schema.get("primaryKey") or [f["name"] for f in schema.get("fields", [])]
    primary = tuple([key] if isinstance(key, str) else key)
    with (package_dir / resource["path"]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [f["name"] for f in schema.get("fields", [])]
    fields = tuple(name for name in primary if name != "line")
    extra = [name for name in NATURAL_KEY_FIELDS if name in names and name not in primary]
    # The shortest natural key that is unique: a renamed code stays one changed row.
    while True:
        if fields:
            keyed = {_key(row, fields): row for row in rows}
            if len(keyed) == len(rows):
                return fields, keyed
        if not extra:
            return primary, {_key(row, primary): row for row in rows}
        fields += (extra.pop(0),)


def _csv_resources(descriptor: dict) -> dict[str, dict]:
    return {r["name"]: r for r in descriptor.get("resources", [])
            if isinstance(r.get("path"), str) and r["path"].endswith(".csv")}


def diff_packages(old_dir: Path, new_dir: Path, old_label: str = "", new_label: str = "") -> PackageDiff:
    old_resources = _csv_resources(_load_descriptor(old_dir))
    new_resources = _csv_resources(_load_descriptor(new_dir))
    result = PackageDiff(old_label or str(old_dir), new_label or str(new_dir))
    for name in sorted(old_resources.keys() | new_resources.keys()):
        if name not in old_resources:
            key_fields, rows = _resource_rows(new_dir, new_resources[name])
            result.resources.append(ResourceDiff(name, key_fields, added=sorted(rows), resource_added=True))
            continue
        if name not in new_resources:
            key_fields, rows = _resource_rows(old_dir, old_resources[name])
            result.resources.append(ResourceDiff(name, key_fields, removed=sorted(rows), resource_removed=True))
            continue
        key_fields, old_rows = _resource_rows(old_dir, old_resources[name])
        new_key_fields, new_rows = _resource_rows(new_dir, new_resources[name])
        if new_key_fields != key_fields:
            # The natural key is unique on one side only: match both on the primary key.
            schema_key = new_resources[name].get("schema", {}).get("primaryKey") or []
            key_fields = new_key_fields = tuple([schema_key] if isinstance(schema_key, str) else schema_key)
            old_rows = {_key(row, key_fields): row for row in old_rows.values()}
            new_rows = {_key(row, key_fields): row for row in new_rows.values()}
        diff = ResourceDiff(name, new_key_fields)
        diff.added = sorted(new_rows.keys() - old_rows.keys())
        diff.removed = sorted(old_rows.keys() - new_rows.keys())
        for key in sorted(old_rows.keys() & new_rows.keys()):
            old, new = old_rows[key], new_rows[key]
            # Fields in the key are equal by construction; "line" shifts with insertions.
            changes = tuple(FieldChange(f, old.get(f, ""), new.get(f, ""))
                            for f in sorted(old.keys() | new.keys())
                            if f != "line" and old.get(f, "") != new.get(f, ""))
            if changes:
                diff.changed.append(RowChange(key, changes))
        result.resources.append(diff)
    return result


def package_at_revision(repo: Path, revision: str, package_path: str, destination: Path) -> Path:
    """Check the data package as committed at a git revision out into ``destination``."""
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", revision, "--", package_path],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination / package_path
