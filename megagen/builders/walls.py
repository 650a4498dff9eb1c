"""Walls and partitions with doorways, and parapets along slab edges.

Wall agents walk the floor laying one-voxel walls in straight runs with right-angle
turns, leaving doorways; the result is rooms and corridors nobody planned.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage
from .base import DX, DY, Context, Plan, pillar_choice


def build(ctx: Context, plan: Plan) -> None:
    """Partition walls into ``plan`` extrusions (in place), doorways left open."""
    cfg = ctx.config.builders
    n, steps = cfg.wall_agents, cfg.wall_steps
    h = ctx.config.level_height
    if n == 0:
        return
    _, d, w = ctx.shape

    def sample(rng, i, pillars, tile):
        p = pillar_choice(rng, pillars, n)
        return {
            "y": p[:, 0] + rng.integers(-12, 13, n), "x": p[:, 1] + rng.integers(-12, 13, n),
            "dir": rng.integers(0, 4, n),
            "runs": rng.integers(4, 22, (n, steps)) * ctx.active(i, n)[:, None],
            "turn": np.where(rng.random((n, steps)) < 0.5, 1, -1),
            "door": rng.random((n, steps)) < cfg.door_chance,
            "door_at": rng.random((n, steps)),
            "lamp": rng.random((n, steps)) < cfg.lights,
        }

    a = ctx.per_level(Stage.WALLS, sample)
    if not a:
        return
    lv, y, x, dr, ty0, tx0 = a["level"], a["y"], a["x"], a["dir"], a["ty0"], a["tx0"]
    walls, doors, lamps = [], [], []
    for s in range(steps):
        run = a["runs"][:, s]
        ny, nx = y + DY[dr] * run, x + DX[dr] * run
        walls.append((lv, np.minimum(y, ny), np.minimum(x, nx), np.maximum(y, ny) + 1, np.maximum(x, nx) + 1, ty0, tx0))
        at = (a["door_at"][:, s] * np.maximum(run - 3, 0)).astype(np.int64) + 1
        door = a["door"][:, s]
        dy0, dx0 = y + DY[dr] * at, x + DX[dr] * at
        dy1, dx1 = dy0 + DY[dr] * 2, dx0 + DX[dr] * 2
        doors.append((lv[door], np.minimum(dy0, dy1)[door], np.minimum(dx0, dx1)[door],
                      np.maximum(dy0, dy1)[door] + 1, np.maximum(dx0, dx1)[door] + 1, ty0[door], tx0[door]))
        lit = a["lamp"][:, s]  # a light where the wall turns: the City's rare, cold light
        lamps.append((lv[lit], ny[lit], nx[lit], ny[lit] + 1, nx[lit] + 1, ty0[lit], tx0[lit]))
        y, x = ny, nx
        dr = (dr + a["turn"][:, s]) % 4
    wall = ctx.stamp(*[np.concatenate(c) for c in zip(*walls)])
    wall &= ~ctx.stamp(*[np.concatenate(c) for c in zip(*doors)])
    # whole-level choices: some levels have only low partitions, about half get parapets
    choice = np.array([ctx.level_stream(Stage.WALLS, i).random(2) for i in range(ctx.n)]).reshape(-1, 2)
    low_levels, parapet_levels = choice[:, 0] < 0.15, choice[:, 1] < 0.55
    top = np.where(low_levels[:, None, None], 2, h - 1).astype(np.uint8)
    plan.extrude(wall, M.WALL, top)
    plan.notes["parapet_levels"] = parapet_levels
    lit = ctx.stamp(*[np.concatenate(c) for c in zip(*lamps)]) & (plan.mat == M.WALL)
    plan.notes["lamps"] = plan.notes["lamps"] | lit if "lamps" in plan.notes else lit


def parapets(ctx: Context, floor: np.ndarray, plan: Plan) -> None:
    """Low walls on the open edges of the final floor, on about half the levels (in place).

    Beyond the grown area counts as open: the next tile's first row is a seam, so a
    floor on this area's border has an open edge there whether or not it is grown."""
    edge = np.ones_like(floor)
    edge[:, 1:-1, :] = False
    edge[:, :, [0, -1]] = True
    edge[:, 1:, :] |= ~floor[:, :-1, :]
    edge[:, :-1, :] |= ~floor[:, 1:, :]
    edge[:, :, 1:] |= ~floor[:, :, :-1]
    edge[:, :, :-1] |= ~floor[:, :, 1:]
    edge &= floor
    chosen = plan.notes.get("parapet_levels", np.zeros(ctx.n, dtype=bool))
    edge &= chosen[:, None, None] & (plan.top == 0)
    plan.extrude(edge, M.WALL, 1)
