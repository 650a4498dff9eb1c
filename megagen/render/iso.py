"""Isometric pictures of a volume: a z-buffer along the view diagonal, shaded like ink.

Volumes are ``uint8`` material codes in ``(z, y, x)`` order, z up; level ``L`` of a
volume whose first level is ``first_level`` spans ``z in [(L - first_level) * H, ...)``.

Projection (DESIGN.md section 5): screen ``u = x - y``, ``v = x + y - 2z`` (2:1), depth
``x + y + z``; the viewer sits at the ``+x, +y, +z`` corner (after turning the volume
for ``view``) and looks along ``-(1, 1, 1)``. Every voxel on a diagonal line
``(x + t, y + t, z + t)`` projects to the same lattice point, so the picture is made
in three steps, none of which loops over voxels:

1. **Scan** the planes bottom to top, writing each solid voxel's ``z`` into the
   lattice of diagonal lines ``(x - z, y - z)``: the plane is a shifted window of
   that lattice, so the last write is the front-most voxel of every line.
2. **Triangles**: the screen is tiled by triangles whose three corners are lattice
   points; the voxel seen in a triangle is the front-most of the three corner lines
   with the greatest depth, and which corner wins fixes the face (top, +x or +y).
   Each triangle is shaded once: face light, ambient occlusion from the 8 cells
   around the face and from a coarse occupancy field, fog by how far the ray
   travelled inside the volume and how low the voxel sits, emissive accents.
3. **Raster**: every pixel maps to one triangle by arithmetic on its coordinates;
   the picture is one gather. Optional edges darken depth jumps; lights bloom.

At ``scale`` s a voxel is ``4s`` pixels wide and ``4s`` tall (top diamond ``4s x 2s``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from megagen import materials
from megagen.errors import ConfigError

VIEWS = {"se": 0, "sw": 1, "nw": 2, "ne": 3}  # corner facing the viewer -> quarter turns
CUTAWAYS = ("none", "top", "near", "wedge")
MAX_PIXELS = 64_000_000

TOP, XFACE, YFACE = 0, 1, 2
# light on the top, the +x face (right on screen), the +y face (left on screen)
FACE_LIGHT = np.array([1.0, 0.40, 0.64], dtype=np.float32)
BACKGROUND = (4, 5, 7)
HAZE = np.array([4.0, 5.0, 8.0], dtype=np.float32)  # what fog fades towards
EMISSIVE = tuple(
    int(getattr(materials.Material, n)) for n in ("LIGHT", "LANTERN", "SENSOR") if hasattr(materials.Material, n)
)
_NONE = np.int32(-(1 << 30))  # depth of "no hit"


class RenderArgumentError(ConfigError, ValueError):
    """A render option is out of range or inconsistent with the volume (CLI exit 2)."""


@dataclass(frozen=True)
class Look:
    """The art direction knobs; the defaults were tuned by eye on megastructure blocks."""

    fog_travel: float = 55.0    # diagonal steps inside the volume for fog to reach 1/e
    fog_height: float = 240.0   # voxels below the top of the picture for the height fade to reach 1/e
    ao_local: float = 0.5       # darkening when all 8 cells around a face are solid
    ao_coarse: float = 0.9     # darkening in fully enclosed space (coarse occupancy)
    gamma: float = 1.2          # applied to the shaded 0..1 colours (deepens shadows)
    edge: float = 0.5           # darkening of edge pixels
    bloom: float = 0.9          # strength of the glow around emissive voxels


DEFAULT_LOOK = Look()


def _check(voxels, view, scale, cutaway, level_height) -> np.ndarray:
    vox = np.asarray(voxels)
    if vox.ndim != 3 or vox.dtype != np.uint8:
        raise RenderArgumentError(f"voxels must be a uint8 (z, y, x) array, got {vox.dtype} {vox.shape}")
    if min(vox.shape) < 1:
        raise RenderArgumentError(f"voxels must not be empty, got shape {vox.shape}")
    if view not in VIEWS:
        raise RenderArgumentError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if cutaway not in CUTAWAYS:
        raise RenderArgumentError(f"unknown cutaway {cutaway!r}; choose one of {', '.join(CUTAWAYS)}")
    if not (isinstance(scale, (int, float)) and np.isfinite(scale) and 0 < scale <= 64):
        raise RenderArgumentError(f"scale must be a number in (0, 64], got {scale!r}")
    if not 1 <= int(level_height) <= 255:
        raise RenderArgumentError(f"level_height must be in [1, 255], got {level_height}")
    return vox


def oriented(voxels: np.ndarray, view: str) -> np.ndarray:
    """A view (no copy) of ``voxels`` turned so the ``view`` corner is at ``+x, +y``."""
    return np.rot90(voxels, VIEWS[view], axes=(1, 2))


def keep_mask(shape: tuple[int, int, int], cutaway: str, cut_z: int) -> tuple[int, np.ndarray | None]:
    """Which voxels a cutaway keeps, in the viewer's frame.

    Returns ``(cut_z, plane_mask)``: planes ``z >= cut_z`` keep only ``plane_mask``
    (``(y, x)`` bool, None = nothing), planes below keep everything.
    """
    _, d, w = shape
    if cutaway == "none":
        return shape[0], None
    if cutaway == "top":
        return cut_z, np.zeros((d, w), dtype=bool)
    yy, xx = np.ogrid[:d, :w]
    if cutaway == "near":  # the half of the footprint closer to the viewer goes
        return cut_z, (xx / max(w, 1) + yy / max(d, 1)) < 1.0
    # wedge: the near quadrant goes
    return cut_z, ~((xx >= w // 2) & (yy >= d // 2))


def _solid_volume(vox: np.ndarray, cut_z: int, plane_keep: np.ndarray | None) -> np.ndarray:
    """``(Z+2, D+2, W+2)`` bool: solid and kept, padded with one layer of air."""
    z, d, w = vox.shape
    solid = np.zeros((z + 2, d + 2, w + 2), dtype=bool)
    inner = solid[1:-1, 1:-1, 1:-1]
    np.take(materials.SOLID, vox, out=inner)
    if cut_z < z:
        if plane_keep is None:
            inner[cut_z:] = False
        else:
            inner[cut_z:] &= plane_keep
    return solid


def _scan(solid: np.ndarray, cut_z: int, plane_keep: np.ndarray | None):
    """Front-most solid ``z`` of every diagonal line and where each line enters the kept region.

    Lines are indexed ``[qi, pi]`` with ``pi = x - z + Z - 1``, ``qi = y - z + Z - 1``.
    Returns ``(hit_z, entry_z)`` int16 ``(D + Z - 1, W + Z - 1)``, -1 where none.
    """
    Z, D, W = (s - 2 for s in solid.shape)
    hit = np.full((D + Z - 1, W + Z - 1), -1, dtype=np.int16)
    entry = np.full_like(hit, -1)
    for z in range(Z):
        o = Z - 1 - z
        win = (slice(o, o + D), slice(o, o + W))
        plane = solid[z + 1, 1:-1, 1:-1]
        np.copyto(hit[win], np.int16(z), where=plane)
        if z < cut_z:
            entry[win] = z
        elif plane_keep is not None:
            np.copyto(entry[win], np.int16(z), where=plane_keep)
    return hit, entry


def _coarse_occupancy(solid: np.ndarray, cell: int = 4) -> np.ndarray:
    """Mean solidity over ``cell^3`` blocks, blurred over 3x3x3 blocks: how enclosed a place is."""
    from scipy import ndimage

    inner = solid[1:-1, 1:-1, 1:-1]
    shape = [-(-s // cell) * cell for s in inner.shape]
    if list(inner.shape) != shape:
        padded = np.zeros(shape, dtype=bool)
        padded[: inner.shape[0], : inner.shape[1], : inner.shape[2]] = inner
        inner = padded
    z, d, w = (s // cell for s in shape)
    counts = inner.reshape(z, cell, d, cell, w, cell).sum(axis=(1, 3, 5), dtype=np.uint16)
    occ = counts.astype(np.float32) / cell**3
    return ndimage.uniform_filter(occ, size=3, mode="constant")


# AO neighbours of the air cell in front of each face, in (dz, dy, dx), with weights
def _ao_offsets():
    out = []
    for face in (TOP, XFACE, YFACE):
        normal = {TOP: (1, 0, 0), XFACE: (0, 0, 1), YFACE: (0, 1, 0)}[face]
        axes = [a for a in range(3) if normal[a] == 0]
        cells = []
        for da in (-1, 0, 1):
            for db in (-1, 0, 1):
                if da == db == 0:
                    continue
                off = list(normal)
                off[axes[0]] += da
                off[axes[1]] += db
                cells.append((tuple(off), 1.0 if (da == 0 or db == 0) else 0.5))
        out.append((normal, cells))
    return out


_AO = _ao_offsets()


def _colours() -> tuple[np.ndarray, np.ndarray]:
    """Linear 0..1 base colour per material (256 rows) and an emissive flag per material."""
    base = np.zeros((256, 3), dtype=np.float32)
    rgb = materials.base_colours().astype(np.float32) / 255.0
    base[: rgb.shape[0]] = rgb
    emissive = np.zeros(256, dtype=bool)
    emissive[list(EMISSIVE)] = True
    return base, emissive


def _triangles(vox, solid, hit, entry, look: Look, ao: bool):
    """Shade every screen triangle. Returns ``(rgb, depth, face_id, emissive)`` over ``(2, NQ+1, NP+1)``."""
    Z, D, W = vox.shape
    NQ, NP = hit.shape
    qi, pi = np.indices((NQ, NP), dtype=np.int32)
    has = hit >= 0
    hz = hit.astype(np.int32)
    depth = np.where(has, pi + qi + 3 * hz, _NONE).astype(np.int32)
    dp = np.full((NQ + 2, NP + 2), _NONE, dtype=np.int32)
    dp[1:-1, 1:-1] = depth
    a = dp[:-1, :-1]
    bx = dp[:-1, 1:]   # node + (pi + 1)
    by = dp[1:, :-1]   # node + (qi + 1)
    c = dp[1:, 1:]     # node + (1, 1): the top face
    shape = a.shape
    # choice 0: corner a, 1: the side neighbour, 2: corner c. R triangles: a shows +x,
    # (pi+1) shows +y; L triangles: a shows +y, (qi+1) shows +x; c shows the top.
    win_r = np.where(a > bx, np.where(a > c, 0, 2), np.where(bx > c, 1, 2))
    win_l = np.where(a > by, np.where(a > c, 0, 2), np.where(by > c, 1, 2))
    tq, tp = np.indices(shape, dtype=np.int32)  # padded index of the triangle's corner a
    npad = NP + 2
    base_flat = tq * npad + tp
    step = np.array([0, 1, npad + 1], dtype=np.int32)
    step_l = np.array([0, npad, npad + 1], dtype=np.int32)
    node_r = base_flat + step[win_r]
    node_l = base_flat + step_l[win_l]
    face_r = np.array([XFACE, YFACE, TOP], dtype=np.int8)[win_r]
    face_l = np.array([YFACE, XFACE, TOP], dtype=np.int8)[win_l]
    node = np.stack([node_r, node_l])       # (2, NQ+1, NP+1) flat padded node index
    face = np.stack([face_r, face_l])
    tri_depth = dp.reshape(-1)[node]
    seen = tri_depth != _NONE

    # per visible triangle: voxel coordinates, material, light
    node_s = node[seen]
    face_s = face[seen].astype(np.intp)
    nq, np_ = np.divmod(node_s, npad)
    nq -= 1
    np_ -= 1
    z = hit[nq, np_].astype(np.intp)
    x = np_ - (Z - 1) + z
    y = nq - (Z - 1) + z
    mat = vox[z, y, x]
    base, emissive_tab = _colours()
    col = base[mat] * FACE_LIGHT[face_s][:, None]

    if ao:
        normals = np.array([n for n, _ in _AO], dtype=np.intp)  # (3, 3) dz, dy, dx
        sz, sy, sx = solid.strides
        centre = (z + 1) * sz + (y + 1) * sy + (x + 1) * sx
        flat = solid.reshape(-1)
        occ = np.zeros(z.shape, dtype=np.float32)
        for f, (normal, cells) in enumerate(_AO):
            sel = face_s == f
            if not sel.any():
                continue
            c0 = centre[sel]
            acc = np.zeros(c0.shape, dtype=np.float32)
            for (dz, dy, dx), wgt in cells:
                acc += wgt * flat[c0 + (dz * sz + dy * sy + dx * sx)]
            occ[sel] = acc / 6.0
        col *= (1.0 - look.ao_local * np.minimum(occ, 1.0))[:, None]
        coarse = _coarse_occupancy(solid)
        fz = np.minimum((z + normals[face_s, 0]).clip(0) // 4, coarse.shape[0] - 1)
        fy = np.minimum((y + normals[face_s, 1]).clip(0) // 4, coarse.shape[1] - 1)
        fx = np.minimum((x + normals[face_s, 2]).clip(0) // 4, coarse.shape[2] - 1)
        enclosed = np.minimum(coarse[fz, fy, fx] * 2.2, 1.0)
        col *= (1.0 - look.ao_coarse * enclosed)[:, None]

    # fog: distance travelled inside the kept volume, and height below the top
    ez = entry[nq, np_].astype(np.float32)
    travel = np.maximum(ez - z, 0) * np.float32(np.sqrt(3.0))
    top = float(max(int(entry.max()), 0))
    fog = np.exp(-travel / look.fog_travel - (top - z) / look.fog_height).astype(np.float32)
    lit = emissive_tab[mat]
    col = col * fog[:, None] + (HAZE / 255.0) * (1.0 - fog)[:, None]
    if lit.any():
        glow = 0.55 + 0.45 * fog[lit] ** 0.3
        col[lit] = base[mat[lit]] * glow[:, None]

    if look.gamma != 1.0:
        col = np.power(np.clip(col, 0.0, None), look.gamma)
    rgb = np.empty(node.shape + (3,), dtype=np.float32)
    rgb[...] = np.asarray(BACKGROUND, dtype=np.float32) / 255.0
    rgb[seen] = col
    emissive = np.zeros(node.shape, dtype=bool)
    emissive[seen] = lit
    face_id = np.where(seen, node.astype(np.int64) * 3 + face, -1)
    return rgb, tri_depth, face_id, emissive


@lru_cache(maxsize=4)
def _pixel_triangles(Z: int, D: int, W: int, scale: float) -> tuple[np.ndarray, int, int]:
    """Flat triangle index (into ``(2, NQ+1, NP+1)``) of every pixel and the picture size.

    Pixels outside every triangle get index ``2 (NQ+1) (NP+1)`` (one past the last, the
    background). Geometry only, so cached: frames of an animation share it (read-only).
    """
    width = max(1, int(np.ceil(2 * scale * (W + D))))
    height = max(1, int(np.ceil(scale * (W + D + 2 * Z))))
    if width * height > MAX_PIXELS:
        raise RenderArgumentError(
            f"picture of {width}x{height} pixels is too large (max {MAX_PIXELS} pixels); lower the scale")
    u = -D + (np.arange(width, dtype=np.float64) + 0.5) / (2 * scale)
    v = -2 * Z + (np.arange(height, dtype=np.float64) + 0.5) / scale
    k = np.floor(u)
    f = u - k
    # i = floor(a / 2), a = v - u; the triangle flips where floor(b / 2) != i, b = v + f - k.
    # Halved first, so each 2D term is one subtraction and one floor; int32 after that.
    vh = (v * 0.5)[:, None]
    i = np.floor(vh - (u * 0.5)[None, :])
    t = np.floor(vh + ((f - k) * 0.5)[None, :]) != i
    NQ1, NP1 = D + Z, W + Z  # triangle grid (NQ + 1, NP + 1)
    qi = i.astype(np.int32)  # corner a of the triangle, as padded lattice index (offset 1)
    pi = qi + (k.astype(np.int32) + np.int32(Z))[None, :]
    pi += t
    qi += np.int32(Z)
    inside = (qi >= 0) & (qi < NQ1) & (pi >= 0) & (pi < NP1)
    idx = qi
    idx += t * np.int32(NQ1)
    idx *= np.int32(NP1)
    idx += pi
    idx[~inside] = 2 * NQ1 * NP1
    idx = idx.astype(np.intp)
    idx.setflags(write=False)
    return idx, width, height


def _edges(depth_px: np.ndarray, face_px: np.ndarray) -> np.ndarray:
    """Edge strength per pixel: depth jumps (silhouettes) 1, face changes 0.5; on the far side."""
    strength = np.zeros(depth_px.shape, dtype=np.float32)
    for axis in (0, 1):
        n = depth_px.shape[axis]
        if n < 2:
            continue
        lo = [slice(None)] * 2
        hi = [slice(None)] * 2
        lo[axis] = slice(0, n - 1)
        hi[axis] = slice(1, n)
        d0, d1 = depth_px[tuple(lo)], depth_px[tuple(hi)]
        jump = np.abs(d0.astype(np.int64) - d1) > 2
        crease = ((face_px[tuple(lo)] % 3) != (face_px[tuple(hi)] % 3)) & ~jump
        far0 = d0 < d1
        s_lo = np.where(jump & far0, 1.0, np.where(crease, 0.35, 0.0))
        s_hi = np.where(jump & ~far0, 1.0, 0.0)
        np.maximum(strength[tuple(lo)], s_lo, out=strength[tuple(lo)])
        np.maximum(strength[tuple(hi)], s_hi, out=strength[tuple(hi)])
    return strength


def iso_array(
    voxels: np.ndarray,
    *,
    view: str = "se",
    scale: float = 1.0,
    cutaway: str = "none",
    cut: int | None = None,
    level_height: int = 8,
    first_level: int = 0,
    edges: bool = False,
    ao: bool = True,
    look: Look = DEFAULT_LOOK,
) -> np.ndarray:
    """Isometric picture of ``voxels`` as ``(height, width, 3)`` uint8 RGB.

    ``voxels``: uint8 ``(z, y, x)``, z up, not modified; its first plane is the floor of
    absolute level ``first_level`` (levels are ``level_height`` voxels tall).
    ``view``: the corner facing the viewer, ``se`` (``+x, +y``), ``sw``, ``nw`` or ``ne``.
    ``scale``: pixels per half voxel width (a voxel is ``4 * scale`` pixels wide).
    ``cutaway``: ``none``; ``top`` drops every level above ``cut`` (default: the middle
    level); ``near`` drops the half of the footprint nearer the viewer and ``wedge``
    the near quadrant, both above level ``cut`` (default: the first level, which stays
    as ground). Raises :class:`RenderArgumentError` on bad arguments.
    """
    vox = _check(voxels, view, scale, cutaway, level_height)
    H = int(level_height)
    n_levels = -(-vox.shape[0] // H)
    last = first_level + n_levels - 1
    if cut is None:
        cut = first_level + (n_levels - 1) // 2 if cutaway == "top" else first_level
    if cutaway != "none" and not first_level <= cut <= last:
        raise RenderArgumentError(f"cut level {cut} is outside the rendered levels {first_level}-{last}")
    vox = oriented(vox, view)
    Z, D, W = vox.shape
    cut_z, plane_keep = keep_mask(vox.shape, cutaway, (cut - first_level + 1) * H)
    solid = _solid_volume(vox, cut_z, plane_keep)
    hit, entry = _scan(solid, cut_z, plane_keep)
    rgb, tri_depth, tri_face, tri_emissive = _triangles(vox, solid, hit, entry, look, ao)
    idx, width, height = _pixel_triangles(Z, D, W, float(scale))

    colours = np.empty((rgb.shape[0] * rgb.shape[1] * rgb.shape[2] + 1, 3), dtype=np.uint8)
    colours[:-1] = np.clip(rgb.reshape(-1, 3) * 255.0 + 0.5, 0, 255)
    colours[-1] = BACKGROUND
    img = np.take(colours, idx, axis=0)  # (height, width, 3) uint8: the picture is one gather
    if edges:
        depth_px = np.concatenate([tri_depth.reshape(-1), [_NONE]])[idx]
        face_px = np.concatenate([tri_face.reshape(-1), [-1]])[idx]
        strength = _edges(depth_px, face_px)
        img = (img * (1.0 - look.edge * strength)[..., None] + 0.5).astype(np.uint8)
    if tri_emissive.any() and look.bloom > 0:
        em = np.concatenate([tri_emissive.reshape(-1), [False]])[idx]
        img = _bloom(img, em, scale, look.bloom)
    return img


def _bloom(img: np.ndarray, em: np.ndarray, scale: float, strength: float) -> np.ndarray:
    """Add a soft glow around emissive pixels (uint8 RGB in, uint8 RGB out)."""
    from PIL import Image, ImageFilter

    src = Image.fromarray(np.where(em[..., None], img, 0).astype(np.uint8), "RGB")
    out = img.astype(np.float32)
    for radius, weight in ((2.0 * scale + 1.0, 0.8), (8.0 * scale + 4.0, 0.6)):
        blur = np.asarray(src.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
        out += strength * weight * 2.0 * blur
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def render_iso(voxels: np.ndarray, provenance: Mapping[str, str] | None = None, **options):
    """Isometric picture of ``voxels`` (uint8 ``(z, y, x)``) as an RGB ``PIL.Image``.

    ``options`` are those of :func:`iso_array`; ``provenance`` goes to ``image.info``
    (written as PNG text chunks by :func:`megagen.render.images.png_bytes`).
    """
    from PIL import Image

    image = Image.fromarray(iso_array(voxels, **options), "RGB")
    for key, value in (provenance or {}).items():
        image.info[str(key)] = str(value)
    return image
