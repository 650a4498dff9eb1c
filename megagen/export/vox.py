"""MagicaVoxel ``.vox`` (version 150): models <= 256^3, nTRN/nGRP/nSHP scene, RGBA palette.

Mapping: world ``(x, y, z)`` (z up) -> vox ``(x, y, z)`` (MagicaVoxel is z up too).
Material id ``m`` is stored as colour index ``m`` (one to one); the RGBA chunk's
entry ``i`` is colour index ``i + 1``, so entry ``m - 1`` holds material ``m``'s colour.

Each block is cut into models on a grid of tiles (at most 256 per axis, even sizes,
every model declared at the full tile size so readers agree on ``floor(size / 2)``)
and the tiles are grouped into region files of at most ``FILE_TILES`` tiles per
axis, each centred on the scene origin, so every model lies well inside
MagicaVoxel's clipping bounds of about [-1000, 999]. ``vox/index.json`` gives each
file's world offset: ``world = scene + offset``.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from .common import even_up, index, uint8_volume, write_bytes, write_json

DIR = "vox"
MAX_MODEL = 256
FILE_TILES = 7           # 7 * 256 = 1792: a file spans [-896, 896) per axis
CLIP = (-1000, 999)


def check(spec) -> None:
    """Every region splits into files and models, so nothing is too large for .vox."""


def begin(spec) -> None:
    spec.path(DIR).mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------- chunks

def _chunk(cid: bytes, content: bytes, children: bytes = b"") -> bytes:
    return cid + struct.pack("<ii", len(content), len(children)) + content + children


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<i", len(data)) + data


def _dict(items: dict[str, str]) -> bytes:
    return struct.pack("<i", len(items)) + b"".join(_string(k) + _string(v) for k, v in items.items())


def _ntrn(node: int, child: int, layer: int, attrs: dict[str, str], frame: dict[str, str]) -> bytes:
    body = struct.pack("<i", node) + _dict(attrs) + struct.pack("<iiii", child, -1, layer, 1) + _dict(frame)
    return _chunk(b"nTRN", body)


def _ngrp(node: int, children: list[int]) -> bytes:
    return _chunk(b"nGRP", struct.pack("<i", node) + _dict({}) + struct.pack(f"<i{len(children)}i", len(children), *children))


def _nshp(node: int, model: int) -> bytes:
    return _chunk(b"nSHP", struct.pack("<i", node) + _dict({}) + struct.pack("<i", 1) + struct.pack("<i", model) + _dict({}))


def rgba_chunk() -> bytes:
    """256 RGBA entries; entry ``i`` is colour index ``i + 1``, so material ``m`` sits at entry ``m - 1``."""
    from ..materials import base_colours

    colours = base_colours()
    rgba = np.zeros((256, 4), dtype=np.uint8)
    rgba[:, 3] = 255
    rgba[: len(colours) - 1, :3] = colours[1:]
    rgba[len(colours) - 1:, :3] = 128  # unused indices: neutral grey
    return _chunk(b"RGBA", rgba.tobytes())


def encode(models: list[tuple[tuple[int, int, int], tuple[int, int, int], np.ndarray]],
           name: str = "megagen") -> bytes:
    """A .vox file of ``models``: ``(size_xyz, translation_xyz, xyzi (n, 4) uint8)`` each."""
    body = []
    for (sx, sy, sz), _t, xyzi in models:
        body.append(_chunk(b"SIZE", struct.pack("<iii", sx, sy, sz)))
        body.append(_chunk(b"XYZI", struct.pack("<i", len(xyzi)) + np.ascontiguousarray(xyzi, np.uint8).tobytes()))
    n = len(models)
    body.append(_ntrn(0, 1, -1, {"_name": name}, {}))
    body.append(_ngrp(1, [2 + 2 * k for k in range(n)]))
    for k, (_s, (tx, ty, tz), _x) in enumerate(models):
        body.append(_ntrn(2 + 2 * k, 3 + 2 * k, 0, {}, {"_t": f"{tx} {ty} {tz}"}))
        body.append(_nshp(3 + 2 * k, k))
    body.append(rgba_chunk())
    children = b"".join(body)
    return b"VOX " + struct.pack("<i", 150) + _chunk(b"MAIN", b"", children)


def _tiles(extent: int) -> tuple[int, list[int]]:
    """Tile size (even, <= 256) and tile starts along one axis of ``extent`` voxels."""
    size = min(MAX_MODEL, even_up(extent))
    return size, list(range(0, extent, size))


def write_block(voxels, lo: int, hi: int, spec) -> list[dict]:
    """Write the block's region files; return their index entries (world offsets)."""
    vox = uint8_volume(voxels)
    nz, ny, nx = vox.shape
    (tz, zs), (ty, ys), (tx, xs) = _tiles(nz), _tiles(ny), _tiles(nx)
    wz0 = lo * spec.level_height
    entries = []
    step = FILE_TILES
    for fk in range(0, len(zs), step):
        for fj in range(0, len(ys), step):
            for fi in range(0, len(xs), step):
                gz, gy, gx = zs[fk:fk + step], ys[fj:fj + step], xs[fi:fi + step]
                # scene centre of this file, in file-local voxels (even tile sizes -> integers)
                cx, cy, cz = len(gx) * tx // 2, len(gy) * ty // 2, len(gz) * tz // 2
                models = []
                for z0 in gz:
                    for y0 in gy:
                        for x0 in gx:
                            sub = vox[z0:z0 + tz, y0:y0 + ty, x0:x0 + tx]
                            zz, yy, xx = np.nonzero(sub)
                            if len(zz) == 0:
                                continue
                            xyzi = np.empty((len(zz), 4), dtype=np.uint8)
                            xyzi[:, 0], xyzi[:, 1], xyzi[:, 2] = xx, yy, zz
                            xyzi[:, 3] = sub[zz, yy, xx]
                            lx, ly, lz = x0 - gx[0], y0 - gy[0], z0 - gz[0]
                            t = (lx + tx // 2 - cx, ly + ty // 2 - cy, lz + tz // 2 - cz)
                            models.append(((tx, ty, tz), t, xyzi))
                if not models:
                    continue
                origin = (spec.x0 + gx[0], spec.y0 + gy[0], wz0 + gz[0])
                name = f"city_L{lo:05d}-{hi - 1:05d}_x{origin[0]}_y{origin[1]}_z{origin[2]}.vox"
                nbytes = write_bytes(Path(spec.path(DIR, name)), encode(models, name[:-4]))
                entries.append({"file": name, "levels": [lo, hi], "models": len(models),
                                "voxels": int(sum(len(m[2]) for m in models)), "bytes": nbytes,
                                "origin": list(origin),
                                "offset": [origin[0] + cx, origin[1] + cy, origin[2] + cz],
                                "model_size": [tx, ty, tz]})
    return entries


def finish(spec, infos: list[list[dict]]) -> dict:
    files = [entry for block in infos for entry in block]
    write_json(spec.path(DIR, "index.json"),
               index(spec, files, format="MagicaVoxel .vox 150",
                     mapping="vox (x, y, z) = world (x, y, z) - offset; colour index = material id"))
    return {"files": len(files), "bytes": sum(f["bytes"] for f in files)}
