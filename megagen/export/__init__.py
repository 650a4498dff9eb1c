"""Exporters: take the City elsewhere (MagicaVoxel, zarr, glTF, Tiled, Minecraft).

A registry of small modules, one per format, imported lazily so ``import megagen``
and ``megagen --help`` stay fast (heavy dependencies such as zarr load only when a
format is used). Every format module offers the same four functions::

    check(spec)                       # raise ConfigError if the region cannot be exported
    begin(spec)                       # parent, once, before any block (create dirs, arrays)
    write_block(voxels, lo, hi, spec) # any process: write this block's files, return small info
    finish(spec, results)             # parent, once, after all blocks (index files)

``voxels`` is the block's ``uint8`` ``(z, y, x)`` volume already cut to the export
window: shape ``((hi - lo) * level_height, window depth, window width)``.

The driver (:func:`megagen.export.run.export_region`) plans blocks, generates each,
and calls every requested format; ``megagen build --export`` calls the same
``write_block`` from its workers.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import ConfigError

#: format name -> (module, one-line description, pip extra it needs or None)
FORMATS: dict[str, tuple[str, str, str | None]] = {
    "vox": ("megagen.export.vox", "MagicaVoxel .vox v150 region files + index.json", None),
    "zarr": ("megagen.export.zarr_store", "zarr v3 volume city.zarr (z, y, x) uint8", "zarr"),
    "glb": ("megagen.export.gltf", "glTF binary, greedy-meshed, one mesh per block", None),
    "tiled": ("megagen.export.tiled", "Tiled .tmj map per level with tileset and objects", None),
    "schem": ("megagen.export.schem", "Sponge schematic v3 .schem bands (Minecraft)", None),
}


def format_names() -> list[str]:
    return list(FORMATS)


def parse_formats(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``"vox,glb"`` (or a list) -> ``("vox", "glb")``; unknown names raise :class:`ConfigError`."""
    items = text.split(",") if isinstance(text, str) else list(text)
    names: list[str] = []
    for item in items:
        item = item.strip().lower()
        if not item:
            continue
        if item not in FORMATS:
            raise ConfigError(f"unknown export format {item!r} (choose from {', '.join(FORMATS)})")
        if item not in names:
            names.append(item)
    if not names:
        raise ConfigError(f"no export format given (choose from {', '.join(FORMATS)})")
    return tuple(names)


def get(name: str) -> ModuleType:
    """The module of format ``name``; a missing optional dependency raises :class:`ConfigError`."""
    (fmt,) = parse_formats(name)
    module, _, extra = FORMATS[fmt]
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        hint = f" (pip install 'megagen[{extra}]')" if extra else ""
        raise ConfigError(f"export format {fmt!r} needs {exc.name or exc}{hint}") from None


def __getattr__(name: str):
    if name in ("export_region", "ExportSpec", "make_spec"):
        return getattr(importlib.import_module("megagen.export.run"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
