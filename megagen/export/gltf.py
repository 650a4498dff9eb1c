"""glTF 2.0 binary ``.glb``: greedy-meshed exposed faces with vertex colours, one mesh per block.

Written with numpy + struct (no mesh library: the whole format is a JSON header and
one binary buffer). Faces are merged in two vectorized passes per face direction:
runs of equal material along one axis, then runs with the same start, length and
material stacked along the next axis are joined into rectangles.

Axes: glTF is right-handed, Y up, metres. World voxel ``(x, y, z)`` (z up) maps to
glTF ``(x, z, -y) * voxel_size`` (a rotation, no mirror). Each block is one file
``glb/city_LAAAAA-BBBBB.glb`` holding one node (translated to the block's world
origin) and one mesh; faces on the block's outer boundary are closed, so every
block is watertight alone. ``glb/index.json`` lists the files.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from .common import index, uint8_volume, write_bytes, write_json

DIR = "glb"
MAX_INDEX = 2**32 - 1


def check(spec) -> None:
    from ..errors import ConfigError

    size = spec.options.get("voxel_size", 1.0)
    try:
        ok = float(size) > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(f"voxel_size must be a positive number of metres, got {size!r}")


def begin(spec) -> None:
    spec.path(DIR).mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------- greedy meshing

def _runs(labels: np.ndarray):
    """Runs of equal non-zero labels along the last axis of 2-D ``labels`` (rows, cols).

    Returns ``(row, start, length, label)`` arrays.
    """
    rows, cols = labels.shape
    padded = np.zeros((rows, cols + 2), dtype=labels.dtype)
    padded[:, 1:-1] = labels
    change = padded[:, 1:] != padded[:, :-1]              # (rows, cols + 1): boundary before col c
    r_s, c_s = np.nonzero(change & (padded[:, 1:] != 0))  # a run starts at c
    r_e, c_e = np.nonzero(change & (padded[:, :-1] != 0))  # a run ends before c
    return r_s, c_s, c_e - c_s, labels[r_s, c_s]


def greedy_quads(labels: np.ndarray):
    """Rectangles covering the non-zero cells of ``labels`` ``(planes, rows, cols)``.

    Returns ``(plane, row, col, n_rows, n_cols, label)`` int arrays: first runs along
    ``cols``, then identical runs on consecutive rows of a plane are merged.
    """
    planes, rows, cols = labels.shape
    r, c, n, lab = _runs(labels.reshape(planes * rows, cols))
    plane, row = np.divmod(r, rows)
    order = np.lexsort((row, lab, n, c, plane))
    plane, row, c, n, lab = plane[order], row[order], c[order], n[order], lab[order]
    same = np.zeros(len(row), dtype=bool)
    if len(row) > 1:
        same[1:] = ((plane[1:] == plane[:-1]) & (c[1:] == c[:-1]) & (n[1:] == n[:-1])
                    & (lab[1:] == lab[:-1]) & (row[1:] == row[:-1] + 1))
    first = np.flatnonzero(~same)
    n_rows = np.diff(np.append(first, len(row)))
    return plane[first], row[first], c[first], n_rows, n[first], lab[first]


def _zyx_to_gltf(zyx: np.ndarray) -> np.ndarray:
    """``(..., 3)`` (z, y, x) -> glTF (x, z, -y)."""
    return np.stack([zyx[..., 2], zyx[..., 0], -zyx[..., 1]], axis=-1)


def mesh_block(voxels: np.ndarray):
    """Greedy mesh of ``voxels`` ``(z, y, x)``: positions (glTF axes, voxel units), normals, ids, triangles.

    Returns ``(positions (4q, 3) int32, normals (4q, 3) int8, material (4q,) uint8, indices (6q,) uint32)``.
    """
    vox = uint8_volume(voxels)
    padded = np.pad(vox, 1)
    solid = vox != 0
    pos_parts, nrm_parts, mat_parts, idx_parts = [], [], [], []
    n_vertices = 0
    inner = (slice(1, -1),) * 3
    for axis in range(3):
        others = [a for a in range(3) if a != axis]
        for sign in (1, -1):
            neighbour = list(inner)
            neighbour[axis] = slice(2, None) if sign > 0 else slice(0, -2)
            exposed = solid & (padded[tuple(neighbour)] == 0)
            # planes along ``axis``, rows and cols along the two other axes, in order
            labels = np.ascontiguousarray(np.moveaxis(np.where(exposed, vox, 0), axis, 0))
            plane, row, col, nr, nc, lab = greedy_quads(labels)
            q = len(plane)
            if q == 0:
                continue
            fp = plane + (1 if sign > 0 else 0)
            corners = []
            for dr, dc in ((0, 0), (1, 0), (1, 1), (0, 1)):
                zyx = np.empty((q, 3), dtype=np.int64)
                zyx[:, axis] = fp
                zyx[:, others[0]] = row + dr * nr
                zyx[:, others[1]] = col + dc * nc
                corners.append(_zyx_to_gltf(zyx))
            verts = np.stack(corners, axis=1).reshape(-1, 3)  # (4q, 3), quad-major
            e_r, e_c, n_vec = np.zeros(3, int), np.zeros(3, int), np.zeros(3, int)
            e_r[others[0]], e_c[others[1]], n_vec[axis] = 1, 1, sign
            e_r, e_c, n_vec = _zyx_to_gltf(e_r), _zyx_to_gltf(e_c), _zyx_to_gltf(n_vec)
            ccw = np.dot(np.cross(e_r, e_c), n_vec) > 0
            tri = np.array([0, 1, 2, 0, 2, 3] if ccw else [0, 2, 1, 0, 3, 2], dtype=np.int64)
            base = n_vertices + 4 * np.arange(q, dtype=np.int64)
            idx_parts.append((base[:, None] + tri[None, :]).ravel())
            pos_parts.append(verts)
            nrm_parts.append(np.broadcast_to(n_vec.astype(np.int8), (4 * q, 3)))
            mat_parts.append(np.repeat(lab.astype(np.uint8), 4))
            n_vertices += 4 * q
    if n_vertices == 0:
        return (np.zeros((0, 3), np.int32), np.zeros((0, 3), np.int8), np.zeros(0, np.uint8), np.zeros(0, np.uint32))
    if n_vertices > MAX_INDEX:
        from ..errors import ConfigError
        raise ConfigError(f"a block mesh of {n_vertices} vertices exceeds glTF's 32-bit indices; "
                          "lower block_levels or use a smaller --window")
    return (np.concatenate(pos_parts).astype(np.int32), np.concatenate(nrm_parts),
            np.concatenate(mat_parts), np.concatenate(idx_parts).astype(np.uint32))


# ---------------------------------------------------------------- GLB

def _linear_colours() -> np.ndarray:
    """``(256, 4)`` uint8 linear-light RGBA per material id (glTF vertex colours are linear)."""
    from ..materials import base_colours

    srgb = base_colours().astype(np.float64) / 255.0
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    table = np.full((256, 4), 255, dtype=np.uint8)
    table[:, :3] = 128
    table[: len(lin), :3] = np.round(lin * 255).astype(np.uint8)
    return table


def encode_glb(positions, normals, material, indices, translation, voxel_size: float, name: str, extras: dict) -> bytes:
    """One node, one mesh, one primitive: POSITION (float32), NORMAL, COLOR_0 (normalized ubyte), uint32 indices."""
    pos = positions.astype(np.float32) * np.float32(voxel_size)
    nrm = normals.astype(np.float32)
    col = _linear_colours()[material]
    blobs, views, accessors = [], [], []
    offset = 0

    def add(array: np.ndarray, target: int, component: int, kind: str, normalized=False, minmax=False):
        nonlocal offset
        data = np.ascontiguousarray(array).tobytes()
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(data), "target": target})
        acc = {"bufferView": len(views) - 1, "componentType": component, "count": int(len(array)), "type": kind}
        if normalized:
            acc["normalized"] = True
        if minmax:
            acc["min"] = [float(v) for v in array.min(axis=0)]
            acc["max"] = [float(v) for v in array.max(axis=0)]
        accessors.append(acc)
        pad = (-len(data)) % 4
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad

    add(pos, 34962, 5126, "VEC3", minmax=True)
    add(nrm, 34962, 5126, "VEC3")
    add(col, 34962, 5121, "VEC4", normalized=True)
    add(indices.astype(np.uint32), 34963, 5125, "SCALAR")
    binary = b"".join(blobs)
    doc = {
        "asset": {"version": "2.0", "generator": f"megagen {extras.get('megagen', '')}".strip()},
        "scene": 0,
        "scenes": [{"nodes": [0], "name": name}],
        "nodes": [{"mesh": 0, "name": name, "translation": [float(v) for v in translation]}],
        "meshes": [{"name": name, "primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2},
                                                   "indices": 3, "material": 0, "mode": 4}]}],
        "materials": [{"name": "city", "pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1],
                                                                "metallicFactor": 0.0, "roughnessFactor": 1.0}}],
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(binary)}],
        "extras": extras,
    }
    text = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 4)
    total = 12 + 8 + len(text) + 8 + len(binary)
    return (struct.pack("<4sII", b"glTF", 2, total) + struct.pack("<I4s", len(text), b"JSON") + text
            + struct.pack("<I4s", len(binary), b"BIN\0") + binary)


def write_block(voxels, lo: int, hi: int, spec) -> dict | None:
    vox = uint8_volume(voxels)
    positions, normals, material, indices = mesh_block(vox)
    n_tri = len(indices) // 3
    if n_tri == 0:
        return None
    size = float(spec.options.get("voxel_size", 1.0))
    world = np.array([[lo * spec.level_height, spec.y0, spec.x0]])
    translation = _zyx_to_gltf(world)[0] * size
    name = f"city_L{lo:05d}-{hi - 1:05d}"
    extras = {"megagen": spec.provenance["megagen"], "seed": spec.seed, "preset": spec.preset,
              "levels": [lo, hi], "voxel_size_m": size,
              "axes": "glTF (X, Y, Z) = (x, z, -y) * voxel_size, world voxel (x, y, z) z up"}
    nbytes = write_bytes(Path(spec.path(DIR, name + ".glb")),
                         encode_glb(positions, normals, material, indices, translation, size, name, extras))
    exposed = _exposed_voxels(vox)
    return {"file": name + ".glb", "levels": [lo, hi], "triangles": n_tri, "vertices": int(len(positions)),
            "exposed_voxels": exposed, "bytes": nbytes, "translation": [float(v) for v in translation]}


def _exposed_voxels(vox: np.ndarray) -> int:
    """Solid voxels with at least one air neighbour (or on the block boundary)."""
    solid = np.pad(vox != 0, 1)
    inner = solid[1:-1, 1:-1, 1:-1]
    covered = (solid[2:, 1:-1, 1:-1] & solid[:-2, 1:-1, 1:-1] & solid[1:-1, 2:, 1:-1]
               & solid[1:-1, :-2, 1:-1] & solid[1:-1, 1:-1, 2:] & solid[1:-1, 1:-1, :-2])
    return int(np.count_nonzero(inner & ~covered))


def finish(spec, infos: list[dict | None]) -> dict:
    files = [i for i in infos if i]
    write_json(spec.path(DIR, "index.json"),
               index(spec, files, format="glTF 2.0 binary", voxel_size_m=float(spec.options.get("voxel_size", 1.0))))
    tris = sum(f["triangles"] for f in files)
    naive = 12 * sum(f["exposed_voxels"] for f in files)
    return {"files": len(files), "bytes": sum(f["bytes"] for f in files), "triangles": tris,
            "naive_triangles": naive, "ratio": tris / naive if naive else 0.0}
