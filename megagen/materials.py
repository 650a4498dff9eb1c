"""The material table: uint8 codes (0 = air), their properties and base colours.

Material id == palette row; colours are applied only when rendering. The palette is
dark and near-monochrome (concrete, steel, rust) with rare warm or cold accents,
as the City is drawn in Blame!.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Material(IntEnum):
    AIR = 0
    PLATE = 1        # Megastructure plate mass between strata
    SLAB = 2         # floor slabs
    WALL = 3         # walls and partitions
    PILLAR = 4       # structural pillars
    TOWER = 5        # towers hundreds of levels tall
    SHAFT = 6        # shaft and megashaft casings
    STAIR = 7        # stairs
    LADDER = 8       # ladders
    BRIDGE = 9       # bridges and catwalks
    CONDUIT = 10     # conduit bundles
    MACHINE = 11     # box buildings, housings
    LIGHT = 12       # rare lights
    RUBBLE = 13      # collapsed debris
    GATE = 14        # gate frames through plates
    DWELLING = 16    # village huts
    LANTERN = 17     # warm village lights
    SHIELD = 18      # the shield generator under the village
    SHRINE = 19      # the Rotting Shrine
    ELEVATOR = 20    # elevator cars and rails
    PERIMETER = 21   # enclave perimeter wall
    STORAGE = 22     # village storage
    WATCHTOWER = 23  # Safeguard watchtower shaft
    SENSOR = 24      # watchtower sensor head
    NEST = 25        # exterminator nest
    PLATFORM = 26    # observation platform


@dataclass(frozen=True)
class MaterialInfo:
    solid: bool
    standable: bool
    rgb: tuple[int, int, int]


INFO: dict[Material, MaterialInfo] = {
    Material.AIR: MaterialInfo(False, False, (0, 0, 0)),
    Material.PLATE: MaterialInfo(True, True, (78, 80, 84)),
    Material.SLAB: MaterialInfo(True, True, (118, 118, 114)),
    Material.WALL: MaterialInfo(True, False, (178, 180, 184)),
    Material.PILLAR: MaterialInfo(True, False, (208, 208, 212)),
    Material.TOWER: MaterialInfo(True, True, (116, 120, 128)),
    Material.SHAFT: MaterialInfo(True, False, (92, 98, 108)),
    Material.STAIR: MaterialInfo(True, True, (176, 170, 150)),
    Material.LADDER: MaterialInfo(True, False, (170, 160, 120)),
    Material.BRIDGE: MaterialInfo(True, True, (120, 128, 138)),
    Material.CONDUIT: MaterialInfo(True, False, (122, 92, 70)),
    Material.MACHINE: MaterialInfo(True, True, (96, 96, 92)),
    Material.LIGHT: MaterialInfo(True, False, (190, 225, 235)),
    Material.RUBBLE: MaterialInfo(True, True, (88, 84, 80)),
    Material.GATE: MaterialInfo(True, True, (140, 118, 84)),
    Material.DWELLING: MaterialInfo(True, True, (168, 122, 78)),
    Material.LANTERN: MaterialInfo(True, False, (255, 196, 92)),
    Material.SHIELD: MaterialInfo(True, True, (70, 150, 160)),
    Material.SHRINE: MaterialInfo(True, True, (110, 120, 84)),
    Material.ELEVATOR: MaterialInfo(True, True, (200, 160, 60)),
    Material.PERIMETER: MaterialInfo(True, False, (150, 110, 80)),
    Material.STORAGE: MaterialInfo(True, True, (140, 110, 86)),
    Material.WATCHTOWER: MaterialInfo(True, False, (190, 190, 196)),
    Material.SENSOR: MaterialInfo(True, False, (230, 40, 40)),
    Material.NEST: MaterialInfo(True, True, (120, 40, 48)),
    Material.PLATFORM: MaterialInfo(True, True, (180, 140, 90)),
}

N_MATERIALS = 32  # palette rows reserved; ids must stay below this


def _table(prop: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    for material, info in INFO.items():
        table[material] = getattr(info, prop)
    return table


SOLID = _table("solid")          # SOLID[voxels] -> bool mask, a lookup not a loop
STANDABLE = _table("standable")


def base_colours() -> np.ndarray:
    """``(N_MATERIALS, 3)`` uint8 base colour per material id."""
    colours = np.zeros((N_MATERIALS, 3), dtype=np.uint8)
    for material, info in INFO.items():
        colours[material] = info.rgb
    return colours


def name(material: int) -> str:
    return Material(material).name.lower()
