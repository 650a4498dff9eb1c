"""glTF .glb: loaded by pygltflib, decoded with numpy; faces checked against the voxels."""
import json

import numpy as np
import pytest

import pygltflib

from megagen.materials import base_colours

TYPES = {5126: np.float32, 5125: np.uint32, 5121: np.uint8, 5123: np.uint16}
WIDTH = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}


def accessor(gltf, blob, i):
    acc = gltf.accessors[i]
    view = gltf.bufferViews[acc.bufferView]
    dtype = TYPES[acc.componentType]
    n = acc.count * WIDTH[acc.type]
    data = np.frombuffer(blob, dtype, n, view.byteOffset + (acc.byteOffset or 0))
    return data.reshape(acc.count, -1) if WIDTH[acc.type] > 1 else data


def exposed_faces(vox):
    """Per material: unit faces of solid voxels whose neighbour is air or outside the block."""
    solid = np.pad(vox != 0, 1)
    inner = solid[1:-1, 1:-1, 1:-1]
    counts = np.zeros(256, np.int64)
    n_exposed_voxels = np.zeros(vox.shape, bool)
    for axis in range(3):
        for shift in (1, -1):
            nb = np.roll(solid, shift, axis=axis)[1:-1, 1:-1, 1:-1]
            face = inner & ~nb
            n_exposed_voxels |= face
            counts += np.bincount(vox[face], minlength=256)
    return counts, int(n_exposed_voxels.sum())


def test_glb_is_greedy_watertight_and_coloured(exported, reference):
    levels = range(30, 36)
    out, summary = exported("glb", levels, window=(0, 0, 64, 40))
    index = json.loads((out / "glb" / "index.json").read_text())
    assert len(index["files"]) == 2  # one per block: levels 30-31 and 32-35
    want = reference(levels)[:, :40, :64]
    total_tris, total_naive = 0, 0
    colours = base_colours()
    lin = np.where(colours / 255 <= 0.04045, colours / 255 / 12.92, ((colours / 255 + 0.055) / 1.055) ** 2.4)
    for entry in index["files"]:
        gltf = pygltflib.GLTF2().load(str(out / "glb" / entry["file"]))
        blob = gltf.binary_blob()
        assert gltf.asset.version == "2.0" and len(gltf.meshes) == 1
        prim = gltf.meshes[0].primitives[0]
        pos = accessor(gltf, blob, prim.attributes.POSITION).astype(np.float64)
        col = accessor(gltf, blob, prim.attributes.COLOR_0)
        tri = accessor(gltf, blob, prim.indices).reshape(-1, 3)
        lo, hi = entry["levels"]
        vox = want[(lo - 30) * 8:(hi - 30) * 8]
        # Y up: glTF (X, Y, Z) = (x, z, -y); the mesh bounds are the solid voxels' bounds
        zs, ys, xs = np.nonzero(vox)
        assert (pos[:, 1].min(), pos[:, 1].max()) == (zs.min(), zs.max() + 1)
        assert (pos[:, 0].min(), pos[:, 0].max()) == (xs.min(), xs.max() + 1)
        assert (-pos[:, 2].max(), -pos[:, 2].min()) == (ys.min(), ys.max() + 1)
        node = gltf.nodes[gltf.scenes[0].nodes[0]]
        assert node.translation[1] == lo * 8
        # triangle areas add up to the exposed unit faces, per material (by colour)
        a, b, c = pos[tri[:, 0]], pos[tri[:, 1]], pos[tri[:, 2]]
        cross = np.cross(b - a, c - a)
        area = 0.5 * np.linalg.norm(cross, axis=1)
        faces, n_exposed = exposed_faces(vox)
        assert area.sum() == pytest.approx(faces.sum())
        tri_col = col[tri[:, 0]]
        for m in np.flatnonzero(faces):
            match = np.all(np.abs(tri_col[:, :3] / 255 - lin[m]) < 1.5 / 255, axis=1)
            assert area[match].sum() == pytest.approx(faces[m])
        # outward winding: the signed volume of the closed mesh is the solid voxel count
        signed = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6
        assert signed == pytest.approx(np.count_nonzero(vox))
        total_tris += len(tri)
        total_naive += 12 * n_exposed
    assert total_tris <= total_naive / 10
    assert summary["formats"]["glb"]["triangles"] == total_tris
