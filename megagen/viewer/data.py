"""What the page needs, read from a build folder: a small JSON-able payload.

Everything the page shows comes from here, embedded in ``index.html``: the page is
opened from ``file://`` where ``fetch()`` of local files is blocked. Per-level
statistics are stored column-wise (one list per statistic, indexed by
``level - start``) so 6,000 levels stay a few hundred kilobytes and parse fast.
Nothing here needs numpy; images are only measured (Pillow reads headers).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
LEGEND = "legend.png"
SECTION = "section.png"
ISO_DIR = "iso"
DEFAULT_PATTERN = "levels/level_{level:05d}.png"
MAX_LISTED_MISSING = 2000
# columns every build has, in display order; any other per-level key is shown as it comes
CORE_COLUMNS = ("solid_fraction", "standable_area")


class FolderProblem(Exception):
    """A build folder the page cannot show as it is (message is one line for a human)."""


def read_manifest(out: Path) -> dict:
    """The parsed manifest of the build in ``out``; :class:`FolderProblem` if unusable."""
    path = out / MANIFEST
    if not out.is_dir():
        raise FolderProblem(f"{out} is not a directory")
    if not path.is_file():
        raise FolderProblem(f"{out} has no {MANIFEST}: the build did not finish, or this is not a megagen output folder")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FolderProblem(f"{path} cannot be read as JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise FolderProblem(f"{path} is not a megagen manifest (not a JSON object)")
    levels = manifest.get("levels")
    try:
        start, stop = int(levels["start"]), int(levels["stop"])
        if not 0 <= start < stop:
            raise ValueError
    except (TypeError, KeyError, ValueError):
        raise FolderProblem(f"{path} has no valid 'levels' (start < stop)") from None
    if not isinstance(manifest.get("stats", []), list):
        raise FolderProblem(f"{path}: 'stats' is not a list")
    return manifest


def level_pattern(manifest: dict) -> dict:
    """``{"prefix", "pad", "suffix"}`` from the manifest's ``files.levels`` format string."""
    fmt = (manifest.get("files") or {}).get("levels") or DEFAULT_PATTERN
    m = re.fullmatch(r"(.*)\{level(?::0?(\d+)d)?\}(.*)", str(fmt))
    if not m:
        m = re.fullmatch(r"(.*)\{level(?::0?(\d+)d)?\}(.*)", DEFAULT_PATTERN)
    return {"prefix": m.group(1), "pad": int(m.group(2) or 0), "suffix": m.group(3)}


def level_path(pattern: dict, level: int) -> str:
    return f"{pattern['prefix']}{level:0{pattern['pad']}d}{pattern['suffix']}"


def missing_levels(out: Path, pattern: dict, start: int, stop: int) -> list[int]:
    """Levels in ``[start, stop)`` whose PNG is not in ``out`` (one directory listing)."""
    sub, _, prefix = pattern["prefix"].rpartition("/")
    directory = out / sub if sub else out
    try:
        names = set(os.listdir(directory))
    except OSError:
        names = set()
    return [lv for lv in range(start, stop)
            if level_path(pattern, lv).rpartition("/")[2] not in names]


def _image(out: Path, rel: str) -> dict | None:
    path = out / rel
    if not path.is_file():
        return None
    try:
        from PIL import Image

        with Image.open(path) as im:
            width, height = im.size
    except Exception:  # noqa: BLE001 - a broken picture is simply not shown
        return None
    return {"src": rel, "width": width, "height": height}


def _iso_images(out: Path, files: dict) -> list[dict]:
    listed = files.get("iso")
    if isinstance(listed, str):
        listed = [listed]
    if isinstance(listed, list) and all(isinstance(p, str) for p in listed):
        rels = [p for p in listed if "{" not in p]
    else:
        rels = []
    if not rels:
        rels = sorted(f"{ISO_DIR}/{p.name}" for p in (out / ISO_DIR).glob("*.png")) if (out / ISO_DIR).is_dir() else []
    sheet = files.get("contact_sheet")
    if isinstance(sheet, str) and sheet not in rels:
        rels.append(sheet)
    rels += sorted(p.name for p in out.glob("*.png") if re.search(r"contact|sheet|iso", p.name) and p.name not in rels)
    images = []
    for rel in rels:
        info = _image(out, rel)
        if info is None:
            continue
        stem = Path(rel).stem
        run = re.search(r"L0*(\d+)-0*(\d+)", stem)
        info["sheet"] = bool(re.search(r"contact|sheet", stem))
        if info["sheet"]:
            info["name"] = "contact sheet"
        elif run:
            info["name"] = f"levels {run.group(1)}–{run.group(2)}"
            info["levels"] = [int(run.group(1)), int(run.group(2))]
        else:
            info["name"] = stem.replace("_", " ").replace("-", " ")
        images.append(info)
    images.sort(key=lambda i: (not i["sheet"], i["src"]))  # the contact sheet first
    return images


class Sparse:
    """A column with a value on a few levels (strings, flags): ``{index: value}`` of ``n``."""

    def __init__(self, n: int, values: dict):
        self.n, self.values = n, values

    def tolist(self) -> list:
        return [self.values.get(i) for i in range(self.n)]


def json_value(column):
    """What the page receives for a column: a list, ``None`` where a level has no value."""
    if isinstance(column, Sparse):
        return column.tolist()
    if isinstance(column, np.ndarray):
        if column.dtype.kind == "f":
            missing = np.isnan(column)
            present = column[~missing]
            integral = bool(np.all(present == np.round(present)))
            values = np.where(missing, 0, column).astype(np.int64).tolist() if integral else column.tolist()
            for i in np.flatnonzero(missing).tolist():
                values[i] = None
            return values
        return column.tolist()
    raise TypeError(f"{type(column).__name__} is not a column")


def _columns(stats, start: int, stop: int) -> tuple[dict, dict]:
    """Per-level statistics turned into columns, kept compact (numpy arrays, sparse
    dicts) so 60,000 levels cost little; :func:`json_value` turns one into a list."""
    n = stop - start
    numbers: dict[str, np.ndarray] = {}
    others: dict[str, dict] = {}
    materials: dict[str, np.ndarray] = {}
    for row in stats:
        if not isinstance(row, dict):
            continue
        try:
            i = int(row.get("level")) - start
        except (TypeError, ValueError):
            continue
        if not 0 <= i < n:
            continue
        for key, value in row.items():
            if key == "level":
                continue
            if key == "materials" and isinstance(value, dict):
                for name, count in value.items():
                    if isinstance(count, (int, float)) and not isinstance(count, bool):
                        materials.setdefault(str(name), np.zeros(n, dtype=np.int64))[i] = count
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers.setdefault(str(key), np.full(n, np.nan))[i] = value
            elif isinstance(value, (str, bool)) or value is None:
                others.setdefault(str(key), {})[i] = value
    columns: dict = {}
    for key in list(numbers) + [k for k in others if k not in numbers]:
        if key in others:  # mixed kinds: keep every value, sparsely
            merged = {i: (int(v) if float(v).is_integer() else float(v))
                      for i, v in enumerate(numbers.get(key, ())) if not np.isnan(v)}
            merged.update(others[key])
            columns[key] = Sparse(n, merged)
        else:
            columns[key] = numbers[key]
    ordered = {k: columns[k] for k in CORE_COLUMNS if k in columns}
    ordered.update({k: v for k, v in columns.items() if k not in ordered})
    return ordered, materials


def payload(out: str | os.PathLike, manifest: dict | None = None, stats=None) -> dict:
    """The page's data for the build folder ``out`` (its manifest read unless given).

    ``stats`` (an iterable of per-level rows) stands in for ``manifest["stats"]``, so a
    build can stream them from its journal. Raises :class:`FolderProblem` if there is
    no usable manifest.
    """
    out = Path(out)
    if manifest is None:
        manifest = read_manifest(out)
    levels = manifest["levels"]
    start, stop = int(levels["start"]), int(levels["stop"])
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    pattern = level_pattern(manifest)
    missing = missing_levels(out, pattern, start, stop)
    section_rel = files.get("section") if isinstance(files.get("section"), str) else SECTION
    legend_rel = files.get("legend") if isinstance(files.get("legend"), str) else LEGEND
    columns, materials = _columns(manifest.get("stats") or [] if stats is None else stats, start, stop)
    preset = manifest.get("preset") if isinstance(manifest.get("preset"), dict) else {"name": manifest.get("preset")}
    run = manifest.get("run") if isinstance(manifest.get("run"), dict) else {}
    problems = []
    if missing:
        shown = ", ".join(str(lv) for lv in missing[:5]) + (" ..." if len(missing) > 5 else "")
        problems.append(f"{len(missing)} of {stop - start} level images are missing from the folder "
                        f"(levels {shown}).")
    if not columns and not materials:
        problems.append("The manifest has no per-level statistics.")
    return {
        "format": 1,
        "megagen": manifest.get("megagen"),
        "seed": manifest.get("seed"),
        "preset": {"name": preset.get("name"), "description": preset.get("description")},
        "size": manifest.get("size"),
        "level_height": manifest.get("level_height"),
        "start": start,
        "stop": stop,
        "wall_seconds": run.get("wall_seconds", manifest.get("wall_seconds")),
        "workers": run.get("workers", manifest.get("workers")),
        "pattern": pattern,
        "legend": _image(out, legend_rel),
        "section": _image(out, section_rel),
        "iso": _iso_images(out, files),
        "features": manifest.get("features") if isinstance(manifest.get("features"), dict) else {},
        "columns": columns,
        "materials": materials,
        "missing": missing[:MAX_LISTED_MISSING],
        "missing_count": len(missing),
        "problems": problems,
        "error": None,
    }


def error_payload(message: str) -> dict:
    """The page's data when the folder cannot be shown: the page says ``message``."""
    return {"format": 1, "error": str(message)}
