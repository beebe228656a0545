"""Reading MNIST-style IDX files (e.g. Fashion-MNIST) into NumPy arrays, for building DataFrames."""

import gzip
import os
import struct
from typing import Tuple

import numpy as np

__all__ = ["load_idx"]

_IMAGES_MAGIC = 0x00000803
_LABELS_MAGIC = 0x00000801


def _open(directory: str, name: str):
    for candidate in (name + ".gz", name):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path, (gzip.open(path, "rb") if candidate.endswith(".gz") else open(path, "rb"))
    raise FileNotFoundError(f"no {name}[.gz] in {directory}")


def load_idx(directory: str, prefix: str, limit: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """
    ``<directory>/<prefix>-images-idx3-ubyte[.gz]`` and its labels file (prefix e.g. ``train`` or
    ``t10k``) as ``(images, labels)``: images float32 of shape ``(n, rows * cols)`` scaled to
    [0, 1] (the same values as the JVM's ``io.txtrain.data.IdxDataset``), labels int of shape
    ``(n,)``. ``limit`` > 0 keeps the first ``limit`` examples. Malformed files raise ValueError
    naming the file.
    """
    lpath, lf = _open(directory, prefix + "-labels-idx1-ubyte")
    with lf:
        magic, n = struct.unpack(">ii", lf.read(8))
        if magic != _LABELS_MAGIC:
            raise ValueError(f"{lpath} is not an IDX label file (bad magic)")
        n = min(n, limit) if limit > 0 else n
        labels = np.frombuffer(lf.read(n), dtype=np.uint8).astype(np.int64)
    ipath, imf = _open(directory, prefix + "-images-idx3-ubyte")
    with imf:
        magic, m, rows, cols = struct.unpack(">iiii", imf.read(16))
        if magic != _IMAGES_MAGIC:
            raise ValueError(f"{ipath} is not an IDX image file (bad magic)")
        m = min(m, limit) if limit > 0 else m
        if m != len(labels):
            raise ValueError(f"{ipath} has {m} images but {lpath} has {len(labels)} labels")
        raw = imf.read(m * rows * cols)
        if len(raw) != m * rows * cols:
            raise ValueError(f"{ipath} ends after {len(raw)} bytes of pixels; expected {m * rows * cols}")
    images = np.frombuffer(raw, dtype=np.uint8).reshape(m, rows * cols).astype(np.float32) / np.float32(255)
    return images, labels
