"""megagen: grow the City of Blame! as uint8 voxels, level by level.

The public API, imported lazily so ``megagen --help`` and ``import megagen`` stay
instant (numpy, Pillow and the generator load on first use):

- ``megagen.generate(levels, seed, size, preset)`` -> :class:`megagen.api.City`
  (voxels ``(z, y, x)`` uint8 plus metadata);
- ``megagen.render_slice(city, level)`` -> a paletted ``PIL.Image``;
- ``megagen.build(levels, seed, size, preset, out_dir, ...)`` -> manifest dict,
  writing one PNG per level;
- ``megagen.load_preset(name_or_path, overrides)`` -> ``Preset``;
- ``megagen.export_region(formats, levels, seed, size, preset, out_dir, window=...)``
  -> summary, writing MagicaVoxel, zarr, glTF, Tiled or Minecraft files
  (:mod:`megagen.export`);
- ``megagen.__version__``.

``megagen.generate`` and ``megagen.build`` are also the names of submodules
(``megagen/generate.py``, ``megagen/build.py``). Both stay importable as modules
and are made callable, so ``megagen.generate(...)`` and
``megagen.generate.generate_box`` both work whatever was imported first.
"""
from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

__all__ = ["build", "generate", "load_preset", "render_slice", "City", "export_region", "render_iso", "render_section", "__version__"]

# public name -> (module, attribute) for plain lazy attributes
_LAZY = {
    "load_preset": ("megagen.config", "load_preset"),
    "render_slice": ("megagen.api", "render_slice"),
    "City": ("megagen.api", "City"),
    "export_region": ("megagen.export.run", "export_region"),
    "render_iso": ("megagen.render.iso", "render_iso"),
    "render_section": ("megagen.render.section", "render_section"),
}
# submodule name -> (module, function) that calling the submodule runs
_CALLABLE = {
    "generate": ("megagen.api", "generate"),
    "build": ("megagen.build", "build"),
}


class _CallableModule(types.ModuleType):
    """A submodule that can be called like the public function of the same name."""

    def __call__(self, *args, **kwargs):
        module, attr = _CALLABLE[self.__name__.rpartition(".")[2]]
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        # The import system binds each submodule on its package with setattr.
        if name in _CALLABLE and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)

    def __getattr__(self, name: str):
        if name in _CALLABLE:
            importlib.import_module(f"{__name__}.{name}")
            return self.__dict__[name]
        if name in _LAZY:
            module, attr = _LAZY[name]
            value = getattr(importlib.import_module(module), attr)
            self.__dict__[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(__all__))


sys.modules[__name__].__class__ = _Package
