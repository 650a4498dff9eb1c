"""Configuration: TOML presets -> frozen dataclasses, with strict keys and clear errors.

Precedence: dataclass defaults < preset (which may ``extends`` another) < ``--set``.
Every error names the source, the key path and what is allowed.
"""
from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError


def num(default, lo, hi, doc: str = ""):
    """A numeric field with an inclusive allowed range."""
    return field(default=default, metadata={"range": (lo, hi), "doc": doc})


@dataclass(frozen=True)
class Strata:
    """Megastructure plates: thick, nearly solid, separating strata."""

    period: int = num(36, 12, 400, "mean levels from one plate to the next")
    jitter: int = num(8, 0, 100, "random shift of each plate, levels")
    thickness: int = num(2, 1, 8, "levels of solid plate")
    galleries: int = num(10, 0, 64, "maintenance galleries carved per plate level")
    gates: int = num(2, 0, 16, "rare gates through each plate")


@dataclass(frozen=True)
class Pillars:
    """Pillars from plate to plate; the great ones cross several strata."""

    spacing: int = num(30, 12, 256, "voxels between stratum pillars")
    width: int = num(3, 2, 12, "stratum pillar width, voxels")
    great_spacing: int = num(100, 32, 1024, "voxels between great pillars")
    great_width: int = num(9, 4, 40, "great pillar width, voxels")
    great_chance: float = num(0.55, 0.0, 1.0, "chance a great pillar cell holds one")


@dataclass(frozen=True)
class Chasms:
    """Voids many levels deep; a few pierce plates."""

    per_stratum: float = num(1.4, 0.0, 8.0, "mean chasms per stratum")
    radius_min: int = num(14, 4, 512)
    radius_max: int = num(46, 4, 512)
    piercing: float = num(0.2, 0.0, 1.0, "fraction that cut through the plate below")


@dataclass(frozen=True)
class Verticals:
    """Megashafts and towers hundreds of levels tall, on coarse hashed grids."""

    shaft_spacing: int = num(176, 48, 2048, "voxels between megashaft cells")
    shaft_chance: float = num(0.45, 0.0, 1.0)
    shaft_width: int = num(12, 6, 64)
    tower_spacing: int = num(144, 48, 2048, "voxels between tower cells")
    tower_chance: float = num(0.5, 0.0, 1.0)
    tower_width_min: int = num(12, 6, 128)
    tower_width_max: int = num(30, 6, 128)
    span_min: int = num(120, 10, 4000, "levels a tall structure spans, at least")
    span_max: int = num(700, 10, 4000, "levels a tall structure spans, at most")


@dataclass(frozen=True)
class Builders:
    """Local growth agents: counts and step budgets per level."""

    slab_agents: int = num(22, 0, 400)
    slab_steps: int = num(10, 1, 200)
    wall_agents: int = num(30, 0, 400)
    wall_steps: int = num(8, 1, 200)
    door_chance: float = num(0.45, 0.0, 1.0)
    column_halls: int = num(2, 0, 64)
    stairs: int = num(3, 1, 64, "stair runs per level (at least one always)")
    ladders: int = num(2, 0, 64)
    shafts: float = num(0.35, 0.0, 8.0, "local shafts started per level")
    bridges: int = num(3, 0, 64, "bridge attempts per level")
    conduit_agents: int = num(5, 0, 200)
    conduit_steps: int = num(6, 1, 200)
    buildings: int = num(7, 0, 200)
    lights: float = num(0.05, 0.0, 1.0, "chance that a wall corner carries a light")


@dataclass(frozen=True)
class Decay:
    """Gaps and collapsed spans; what falls is removed by the support pass."""

    holes: int = num(4, 0, 200, "holes punched per level")
    collapse: float = num(0.15, 0.0, 1.0, "chance a level has a collapsed span")
    rubble: float = num(0.3, 0.0, 1.0, "fraction of holes leaving rubble below")


@dataclass(frozen=True)
class Village:
    """The Electro-Fishers' enclave: one bounded, shielded pocket of the City.

    It stands on the top of a Megastructure plate (the first open level of the
    stratum nearest to ``level``); the shield generator is carved into the plate
    just below it and the Rotting Shrine one level lower.
    """

    enabled: bool = False
    level: int = num(40, 2, 1_000_000, "target level; the pocket stands on the plate top nearest to it")
    size: int = num(72, 40, 256, "pocket side, voxels (clipped to the tile less 16: it lies in tile (0, 0))")
    levels: int = num(3, 2, 6, "levels the pocket spans")
    dwellings_min: int = num(30, 1, 200, "dwellings, at least")
    dwellings_max: int = num(60, 1, 200, "dwellings, at most")
    entrances: int = num(2, 1, 3, "gaps in the perimeter on the ground level")
    elevator_reach: int = num(8, 1, 64, "levels the elevator climbs above the pocket roof")
    watchtowers: int = num(8, 0, 32, "watchtowers ringing the enclave (they never see inside)")


@dataclass(frozen=True)
class Safeguard:
    """Watchtowers standing on plate tops, their detection fields, exterminator nests."""

    enabled: bool = False
    density: float = num(1.0, 0.0, 20.0, "watchtowers per stratum per 10,000 floor cells")
    height_min: int = num(2, 1, 64, "levels a watchtower rises, at least")
    height_max: int = num(12, 1, 64, "levels a watchtower rises, at most")
    radius: int = num(40, 4, 128, "detection radius of a sensor, voxels")
    nests: float = num(0.6, 0.0, 4.0, "mean exterminator nests per tower")


@dataclass(frozen=True)
class Features:
    """Preset features written over the grown City (see ``megagen.features``)."""

    village: Village = field(default_factory=Village)
    safeguard: Safeguard = field(default_factory=Safeguard)


@dataclass(frozen=True)
class Export:
    """How exports map the City into other tools (``[export]`` in a preset)."""

    # Minecraft block per material, e.g. slab = "minecraft:oak_planks" (megagen.export.schem)
    schem_blocks: tuple = field(default=(), metadata={"table": True})


@dataclass(frozen=True)
class CityConfig:
    """Everything that shapes the City except seed and footprint."""

    level_height: int = num(8, 6, 32, "voxels per level")
    block_levels: int = num(32, 4, 512, "levels generated together")
    tile: int = num(256, 64, 1024, "voxels per side of the tiles the Builders work in")
    strata: Strata = field(default_factory=Strata)
    pillars: Pillars = field(default_factory=Pillars)
    chasms: Chasms = field(default_factory=Chasms)
    verticals: Verticals = field(default_factory=Verticals)
    builders: Builders = field(default_factory=Builders)
    decay: Decay = field(default_factory=Decay)
    features: Features = field(default_factory=Features)
    export: Export = field(default_factory=Export)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    config: CityConfig
    source: str  # "builtin:NAME" or a path


PRESET_KEYS = {"name", "description", "extends"}


def presets_dir():
    return resources.files("megagen") / "presets"


def builtin_presets() -> list[str]:
    return sorted(p.name[:-5] for p in presets_dir().iterdir() if p.name.endswith(".toml"))


def _read_toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None


def _locate(name_or_path: str, relative_to: Path | None = None) -> tuple[str, str]:
    """Return (text, source) for a preset name or a .toml path."""
    looks_like_path = name_or_path.endswith(".toml") or "/" in name_or_path
    if looks_like_path:
        path = Path(name_or_path)
        if relative_to is not None and not path.is_absolute():
            candidate = relative_to / path
            path = candidate if candidate.exists() else path
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ConfigError(f"preset file {path}: cannot read ({exc.strerror})") from None
    resource = presets_dir() / f"{name_or_path}.toml"
    if not resource.is_file():
        known = builtin_presets()
        hint = difflib.get_close_matches(name_or_path, known, n=1)
        extra = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise ConfigError(f"unknown preset '{name_or_path}'{extra}; known: {', '.join(known)}")
    return resource.read_text(encoding="utf-8"), f"builtin:{name_or_path}"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _raw_preset(name_or_path: str, chain: tuple[str, ...] = (), relative_to: Path | None = None) -> tuple[dict, str]:
    text, source = _locate(name_or_path, relative_to)
    if source in chain:
        raise ConfigError(f"{source}: 'extends' cycle: {' -> '.join(chain + (source,))}")
    data = _read_toml(text, source)
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ConfigError(f"{source}: 'extends' must be a preset name or path, got {type(parent).__name__}")
        here = None if source.startswith("builtin:") else Path(source).parent
        try:
            base, _ = _raw_preset(parent, chain + (source,), here)
        except ConfigError as exc:
            if str(exc).startswith(f"{source}:") or "'extends' cycle" in str(exc):
                raise
            raise ConfigError(f"{source}: extends = {parent!r}: {exc}") from None
        base.pop("name", None)
        base.pop("description", None)
        data = _merge(base, data)
    return data, source


def _check_value(value: Any, f: dataclasses.Field, path: str, source: str) -> Any:
    expected = f.type if isinstance(f.type, type) else {"int": int, "float": float, "str": str, "bool": bool}.get(f.type)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is not None and (type(value) is not expected):
        raise ConfigError(f"{source}: {path} must be {expected.__name__}, got {type(value).__name__} {value!r}")
    bounds = f.metadata.get("range")
    if bounds and not bounds[0] <= value <= bounds[1]:
        raise ConfigError(f"{source}: {path} = {value!r} is out of range [{bounds[0]}, {bounds[1]}]")
    return value


def build_dataclass(cls, data: dict, source: str, prefix: str = ""):
    """Build ``cls`` from ``data``, rejecting unknown keys with the closest valid one."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in fields:
            hint = difflib.get_close_matches(key, list(fields), n=1)
            extra = f" (did you mean '{prefix}{hint[0]}'?)" if hint else ""
            raise ConfigError(f"{source}: unknown key '{path}'{extra}")
        f = fields[key]
        if dataclasses.is_dataclass(f.default_factory if f.default_factory is not dataclasses.MISSING else None):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {path} must be a table, got {type(value).__name__}")
            kwargs[key] = build_dataclass(f.default_factory, value, source, path + ".")
        elif f.metadata.get("table"):
            kwargs[key] = _check_table(value, path, source)
        else:
            kwargs[key] = _check_value(value, f, path, source)
    return cls(**kwargs)


def _check_table(value: Any, path: str, source: str) -> tuple:
    """A ``name = "value"`` table (or its pairs, as manifests store it), kept as sorted pairs
    so the configuration stays hashable."""
    pairs = value.items() if isinstance(value, dict) else value
    try:
        pairs = tuple(sorted((str(k), v) for k, v in pairs))
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: {path} must be a table of name = \"value\"") from None
    for k, v in pairs:
        if not isinstance(v, str):
            raise ConfigError(f"{source}: {path}.{k} must be a string, got {type(v).__name__} {v!r}")
    return pairs


def _parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected key.path=value")
    key, text = item.split("=", 1)
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text  # bare words are strings
    return key.strip().split("."), value


def load_preset(name_or_path: str = "megastructure", overrides: tuple[str, ...] = ()) -> Preset:
    """Resolve a preset (name or TOML path), apply ``key.path=value`` overrides, validate."""
    data, source = _raw_preset(name_or_path)
    name = data.pop("name", Path(name_or_path).stem)
    description = data.pop("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise ConfigError(f"{source}: {key} must be a string, got {type(value).__name__} {value!r}")
    config = build_dataclass(CityConfig, data, source)  # the file alone must be valid
    _check_consistency(config, source)
    if not overrides:
        return Preset(name=name, description=description, config=config, source=source)
    for item in overrides:
        keys, value = _parse_override(item)
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {item}: '{key}' is not a table")
        node[keys[-1]] = value
    where = "--set " + " --set ".join(overrides)  # the file was valid: what fails now is an override
    config = build_dataclass(CityConfig, data, where)
    _check_consistency(config, where)
    return Preset(name=name, description=description, config=config, source=source)


def _check_consistency(config: CityConfig, source: str) -> None:
    pairs = [
        ("chasms.radius_min", config.chasms.radius_min, "chasms.radius_max", config.chasms.radius_max),
        ("verticals.tower_width_min", config.verticals.tower_width_min, "verticals.tower_width_max", config.verticals.tower_width_max),
        ("verticals.span_min", config.verticals.span_min, "verticals.span_max", config.verticals.span_max),
    ]
    for lo_name, lo, hi_name, hi in pairs:
        if lo > hi:
            raise ConfigError(f"{source}: {lo_name} ({lo}) must not exceed {hi_name} ({hi})")
    v, g = config.features.village, config.features.safeguard
    pairs = [
        ("features.village.dwellings_min", v.dwellings_min, "features.village.dwellings_max", v.dwellings_max),
        ("features.safeguard.height_min", g.height_min, "features.safeguard.height_max", g.height_max),
    ]
    for lo_name, lo, hi_name, hi in pairs:
        if lo > hi:
            raise ConfigError(f"{source}: {lo_name} ({lo}) must not exceed {hi_name} ({hi})")
    if config.strata.thickness * 3 > config.strata.period:
        raise ConfigError(f"{source}: strata.thickness must be at most a third of strata.period")


def as_dict(config) -> dict:
    """The resolved configuration as plain data (for manifests and provenance)."""
    out = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = as_dict(value)
        elif f.metadata.get("table"):
            out[f.name] = dict(value)  # pairs back to the table a preset writes
        else:
            out[f.name] = value
    return out