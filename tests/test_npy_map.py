"""The index's arrays are mapped as np.load would map them, whatever their shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsdesk.index.npy_map import map_array


@pytest.mark.parametrize("array", [
    np.arange(5, dtype=np.int32), np.arange(12, dtype=np.uint16).reshape(3, 4),
    np.zeros(0, dtype=np.int64), np.zeros((2, 0)), np.array(3.5),
    np.arange(70_000, dtype=np.uint32), np.array([True, False]),
    np.arange(10, dtype=">i8"),
])
def test_an_array_is_mapped_as_np_load_maps_it(tmp_path: Path, array: np.ndarray):
    path = tmp_path / "a.npy"
    np.save(path, array)
    got = map_array(path)
    expected = np.load(path, mmap_mode="r", allow_pickle=False)
    assert type(got) is np.ndarray and not got.flags.writeable
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected)


def test_other_files_are_left_to_numpy(tmp_path: Path):
    path = tmp_path / "fortran.npy"
    array = np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3))
    np.save(path, array)
    assert np.array_equal(map_array(path), array)


def test_a_truncated_file_is_refused_naming_it(tmp_path: Path):
    path = tmp_path / "short.npy"
    np.save(path, np.arange(1000, dtype=np.int64))
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ValueError, match=r"short\.npy: the file is shorter"):
        map_array(path)
