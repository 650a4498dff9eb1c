"""zarr v3 volume: read back with zarr and xarray."""
import json

import numpy as np

import xarray as xr
import zarr


def test_zarr_round_trip_with_xarray(exported, reference):
    levels = range(5, 40)  # starts off a block boundary, crosses one
    out, summary = exported("zarr", levels, window=(4, 2, 40, 30), workers=2)
    want = reference(levels)[:, 2:32, 4:44]
    arr = zarr.open_array(str(out / "city.zarr" / "voxels"), mode="r")
    assert arr.metadata.zarr_format == 3 and arr.dtype == np.uint8
    assert tuple(arr.metadata.dimension_names) == ("z", "y", "x")
    assert np.array_equal(arr[:], want)
    # chunks never straddle a block boundary (levels 32k)
    cz = arr.chunks[0]
    first_z = 5 * 8
    assert all((32 * 8 * k - first_z) % cz == 0 for k in range(1, 3))
    ds = xr.open_zarr(out / "city.zarr")
    da = ds["voxels"]
    assert da.dims == ("z", "y", "x") and da.dtype == np.uint8
    assert np.array_equal(da.values, want)
    attrs = da.attrs
    assert attrs["provenance"]["seed"] == 3 and "numpy" in attrs["provenance"]
    assert attrs["megagen"]["z0"] == 40 and attrs["megagen"]["x0"] == 4
    assert {p["id"]: p["name"] for p in attrs["palette"]}[2] == "slab"
    assert 0 < summary["formats"]["zarr"]["bytes_per_voxel"] < 1


def test_build_export_zarr_equals_the_city(tmp_path, reference):
    from megagen.build import build

    manifest = build(range(30, 36), seed=3, size=(64, 48), out_dir=tmp_path / "b", workers=2,
                     exports="zarr,vox")
    assert set(manifest["exports"]) == {"zarr", "vox"}
    arr = zarr.open_array(str(tmp_path / "b" / "city.zarr" / "voxels"), mode="r")
    assert np.array_equal(arr[:], reference(range(30, 36)))
    saved = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert saved["exports"]["vox"]["files"] == 2
