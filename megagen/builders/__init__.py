"""Local growth agents, one family per module, all with ``build(ctx, plan) -> None``.

The registry is ordered: later builders see (and may yield to) what earlier ones laid,
and extrusions laid later win where they overlap.
"""
from . import bridges, buildings, columns, conduits, decay, slabs, stairs, walls

BUILDERS = {
    "slabs": slabs.build,
    "buildings": buildings.build,
    "columns": columns.build,
    "walls": walls.build,
    "conduits": conduits.build,
    "stairs": stairs.build,
    "bridges": bridges.build,
    "decay": decay.build,
}
