"""A reader for PyTorch state dicts in the legacy (non-zip) torch.save format, without PyTorch.

The legacy format (torch.save with ``_use_new_zipfile_serialization=False``, and every file
written before PyTorch 1.6) is a sequence of pickles followed by raw tensor data:

1. the magic number ``0x1950a86a20f9469cfc6c``, 2. the protocol version ``1001``,
3. system information (byte order, C type sizes), 4. the object itself, whose tensors refer
to storages through persistent ids ``("storage", StorageType, key, location, size, view)``,
5. the list of storage keys, then 6. for each key, its element count as a little-endian int64
followed by that many elements of raw little-endian data.

Pickles can run arbitrary code, so every pickle here goes through an unpickler whose
``find_class`` knows only ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2``
and the torch ``*Storage`` type names (mapped to functions and markers of this module);
any other global is refused with `UnsafePickleError` before anything is called.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
from pathlib import Path

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# torch storage type name -> numpy dtype of one element (little-endian).
STORAGE_DTYPES: dict[str, str] = {
    "DoubleStorage": "<f8",
    "FloatStorage": "<f4",
    "HalfStorage": "<f2",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class UnsafePickleError(pickle.UnpicklingError, ValueError):
    """A pickle in the file asked for a global outside the allowed few; nothing was run."""


class _StorageType:
    """Stands for one torch ``*Storage`` class in a pickle: only its name and dtype."""

    def __init__(self, name: str):
        self.name, self.dtype = name, np.dtype(STORAGE_DTYPES[name])

    def __repr__(self) -> str:
        return f"torch.{self.name}"


_STORAGE_TYPES = {name: _StorageType(name) for name in STORAGE_DTYPES}


class _Storage:
    """One storage named by a persistent id; its data is filled in after the main pickle."""

    def __init__(self, storage_type: _StorageType, key: str, size: int):
        self.type, self.key, self.size = storage_type, key, size
        self.data: np.ndarray | None = None


class _TensorRef:
    """What ``_rebuild_tensor_v2`` returns here: a tensor's view on a storage, not yet read."""

    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset = storage, int(offset)
        self.shape, self.stride = tuple(int(n) for n in shape), tuple(int(n) for n in stride)

    def array(self, source: str) -> np.ndarray:
        data = self.storage.data
        needed = self.offset + 1 + sum((n - 1) * s for n, s in zip(self.shape, self.stride))
        if any(n == 0 for n in self.shape):
            return np.zeros(self.shape, dtype=self.storage.type.dtype)
        if data is None or needed > data.size or self.offset < 0 or min(self.stride, default=0) < 0:
            raise ValueError(
                f"{source}: a tensor of shape {self.shape} lies outside its "
                f"storage {self.storage.key!r}"
            )
        itemsize = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.shape,
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        )
        return np.array(view, copy=True)


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("_rebuild_tensor_v2 called on something not a storage")
    return _TensorRef(storage, storage_offset, size, stride)


_ALLOWED = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    **{("torch", name): marker for name, marker in _STORAGE_TYPES.items()},
}


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals in `_ALLOWED` and storage persistent ids."""

    def __init__(self, file, source: str, storages: dict[str, _Storage]):
        super().__init__(file)
        self._source, self._storages = source, storages

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"{self._source}: refused to load the global {module}.{name} (only "
                "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storage "
                "types are allowed in a state dict); nothing in the file was run"
            ) from None

    def persistent_load(self, pid):
        if not (
            isinstance(pid, tuple)
            and len(pid) == 6
            and pid[0] == "storage"
            and isinstance(pid[1], _StorageType)
        ):
            raise pickle.UnpicklingError(f"{self._source}: unsupported persistent id {pid!r}")
        _, storage_type, key, _location, size, view = pid
        if view is not None:
            raise pickle.UnpicklingError(f"{self._source}: storage views are not supported")
        if key not in self._storages:
            self._storages[key] = _Storage(storage_type, str(key), int(size))
        return self._storages[key]


def _load(stream, source, storages, what):
    try:
        return _RestrictedUnpickler(stream, source, storages).load()
    except UnsafePickleError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        struct.error,
    ) as error:
        raise ValueError(
            f"{source}: not a legacy torch.save file, or damaged: cannot read "
            f"the {what} ({type(error).__name__}: {error})"
        ) from None


def read_state_dict(path) -> dict[str, np.ndarray]:
    """The tensors of a legacy-format torch state dict, by key, as numpy arrays (in file order).

    Raises `ValueError` naming the file when it is not a legacy torch.save file, is truncated
    or holds something other than a dict of tensors, and `UnsafePickleError` (a ValueError)
    when a pickle in it asks for any global outside the allowed few.
    """
    path = Path(path)
    source = str(path)
    data = path.read_bytes()
    if data[:2] == b"PK":
        raise ValueError(f"{source}: a zip-format torch.save file, not the legacy format")
    stream = io.BytesIO(data)
    storages: dict[str, _Storage] = {}
    if _load(stream, source, storages, "magic number") != MAGIC_NUMBER:
        raise ValueError(f"{source}: not a legacy torch.save file (wrong magic number)")
    protocol = _load(stream, source, storages, "protocol version")
    if protocol != PROTOCOL_VERSION:
        raise ValueError(f"{source}: unsupported torch.save protocol {protocol!r}")
    info = _load(stream, source, storages, "system information")
    if not isinstance(info, dict) or not info.get("little_endian", False):
        raise ValueError(f"{source}: only little-endian files are supported")
    state = _load(stream, source, storages, "state dict")
    keys = _load(stream, source, storages, "storage key list")
    if not isinstance(keys, list):
        raise ValueError(f"{source}: the storage key list is not a list")
    for key in keys:
        storage = storages.get(key)
        header = stream.read(8)
        if storage is None or len(header) < 8:
            what = "an unknown storage" if storage is None else "truncated"
            raise ValueError(f"{source}: {what} at storage {key!r}")
        (count,) = struct.unpack("<q", header)
        nbytes = count * storage.type.dtype.itemsize
        raw = stream.read(nbytes) if count >= 0 else b""
        if count != storage.size or len(raw) != nbytes:
            raise ValueError(
                f"{source}: truncated or inconsistent data for storage {key!r} "
                f"({len(raw)} of {storage.size * storage.type.dtype.itemsize} "
                "bytes)"
            )
        storage.data = np.frombuffer(raw, dtype=storage.type.dtype)
    if not isinstance(state, dict):
        raise ValueError(f"{source}: holds a {type(state).__name__}, not a state dict")
    result: dict[str, np.ndarray] = {}
    for name, value in state.items():
        if not isinstance(value, _TensorRef):
            raise ValueError(f"{source}: entry {name!r} is not a tensor")
        result[str(name)] = value.array(source)
    return result
