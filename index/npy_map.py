"""The index's .npy files opened as read-only maps, faster than `np.load(mmap_mode="r")`.

A command that reads the index opens every array of every segment (about 25 a segment);
numpy parses each file's header as a Python literal and makes a memmap subclass, about
0.2 ms a file, most of the time a reading command takes to open a large index. These
files are the index's own, written by `np.save`: a version 1.0 header of a plain dtype
in C order is read with one pattern and the data mapped as a plain array; any other
file is left to `np.load`, as before.
"""

from __future__ import annotations

import mmap
import os
import re
from math import prod
from pathlib import Path

import numpy as np

_MAGIC = b"\x93NUMPY\x01\x00"
# What `np.save` writes for a C-order array of a plain dtype (padded with spaces).
_HEADER = re.compile(rb"\{'descr': '([<>|][biuf]\d{1,2})', 'fortran_order': False, "
                     rb"'shape': \(((?:\d+, )*\d*,?)\), \} *\n")
_PEEK = 4096  # bytes read for the header (numpy's are 128 bytes for these arrays)


def read_header(fd: int) -> tuple[np.dtype, tuple[int, ...], int] | None:
    """The dtype, shape and data offset of the .npy file open as `fd`, if its header is
    of the kind `np.save` writes for a plain C-order array (else None)."""
    head = os.pread(fd, _PEEK, 0)
    if not head.startswith(_MAGIC) or len(head) < 10:
        return None
    length = int.from_bytes(head[8:10], "little")
    match = _HEADER.fullmatch(head[10:10 + length])
    if match is None:
        return None
    shape = tuple(int(size) for size in match[2].split(b",") if size.strip())
    return np.dtype(match[1].decode("ascii")), shape, 10 + length


def map_array(path: Path) -> np.ndarray:
    """The array saved at `path`, mapped read-only (a plain array over the map)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        header = read_header(fd)
        if header is None:
            return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        dtype, shape, offset = header
        count = prod(shape)
        if offset + count * dtype.itemsize > os.fstat(fd).st_size:
            raise ValueError(f"{path}: the file is shorter than its header says")
        if not count:
            empty = np.empty(shape, dtype=dtype)
            empty.flags.writeable = False
            return empty
        data = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)
    return np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape)
