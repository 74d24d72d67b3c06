"""Whether ``torch.load(weights_only=True)`` can load a pickled PyTorch file, told without torch.

Since torch 2.6 ``torch.load`` loads with ``weights_only=True`` unless told otherwise: its
unpickler builds tensors, storages, dtypes, plain containers and numbers, and refuses any other
global (an ``argparse.Namespace`` of hyper-parameters, a NumPy scalar, a whole pickled model)
and any opcode it does not implement (those of pickle protocols above 2, which ``torch.save``
does not write). This module walks the file's pickles with ``pickletools`` against the same
allowlist (torch/_weights_only_unpickler.py, torch 2.13), so ``ml-publish check`` can tell in
milliseconds, importing nothing and running nothing from the file.
"""

from __future__ import annotations

import io
import pickle
import pickletools
import re
import zipfile
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ml_publish.weights.recognition import ZIP_MAGIC

# The opcodes torch's weights-only unpickler implements; any other is refused.
SAFE_OPCODES = frozenset(
    "GLOBAL NEWOBJ REDUCE BUILD APPEND APPENDS SETITEM SETITEMS MARK TUPLE TUPLE1 TUPLE2 TUPLE3 "
    "NONE NEWFALSE NEWTRUE EMPTY_TUPLE EMPTY_LIST EMPTY_DICT EMPTY_SET BININT BININT1 BININT2 "
    "BINFLOAT BINUNICODE SHORT_BINSTRING BINPERSID BINGET LONG_BINGET BINPUT LONG_BINPUT LONG1 "
    "PROTO STOP".split()
)
SAFE_GLOBALS = frozenset(
    "collections.OrderedDict collections.Counter torch.nn.parameter.Parameter "
    "torch.serialization._get_layout torch.Size torch.Tensor torch.device _codecs.encode "
    "builtins.bytearray builtins.set builtins.complex torch._tensor._rebuild_from_type_v2 "
    "torch.storage.TypedStorage torch.storage.UntypedStorage torch.per_tensor_affine "
    "torch.per_tensor_symmetric torch.per_channel_affine torch.per_channel_symmetric "
    "torch.per_channel_affine_float_qparams".split()
)
# dtypes (torch.float32, torch.quint4x2, ...), tensor and storage classes (torch.FloatTensor,
# torch.cuda.HalfStorage, ...) and the tensor rebuild functions of torch._utils.
SAFE_GLOBAL_PATTERN = re.compile(
    r"torch\.(bool|bfloat16|(c?float|u?int|complex|qu?int|bits)\w*"
    r"|(cuda\.)?[A-Z]\w*(Tensor|Storage)|_utils\._rebuild_\w+)"
)
# torch.save's legacy (non-zip) format starts with this number, pickled with protocol 2.
LEGACY_PREFIX = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
# The legacy format's pickles after it: protocol, system info, the object, storage keys.
LEGACY_PICKLES = 4
TORCH_SUFFIXES = (".pt", ".pth", ".ckpt", ".bin")
# Opcodes a file's start must read as before it counts as a pickle (random bytes never do).
PICKLE_EVIDENCE = 8
PICKLE_HEAD_BYTES = 1 << 16


def is_torch_pickle(path: Path) -> bool:
    """Whether ``path`` is a file ``torch.save`` wrote (zip or legacy), or a pickle named as one."""
    with path.open("rb") as stream:
        head = stream.read(PICKLE_HEAD_BYTES)
    if head.startswith(ZIP_MAGIC):
        return torch_archive_pickle(path) is not None
    if head.startswith(LEGACY_PREFIX):
        return True
    return path.suffix.lower() in TORCH_SUFFIXES and starts_like_a_pickle(head)


def starts_like_a_pickle(head: bytes) -> bool:
    """Whether ``head`` reads as the start of a pickle, opcode after opcode."""
    if head[:1] != b"\x80":
        return False
    count = 0
    try:
        for count, _ in enumerate(pickletools.genops(io.BytesIO(head)), start=1):
            pass
    except ValueError:
        return count >= PICKLE_EVIDENCE
    return True


def torch_archive_pickle(path: Path) -> bytes | None:
    """The object pickle of a zip file ``torch.save`` wrote (``<archive>/data.pkl``), if it is."""
    try:
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in archive.namelist() if n.endswith("/data.pkl")), None)
            return None if name is None else archive.read(name)
    except (zipfile.BadZipFile, OSError):
        return None


def safe_load_refusal(path: Path) -> str | None:
    """Why ``torch.load(path, weights_only=True)`` would refuse the file, or ``None``."""
    pickled = torch_archive_pickle(path)
    if pickled is not None:
        return first_refusal(io.BytesIO(pickled), pickles=1)
    with path.open("rb") as stream:
        if stream.read(len(LEGACY_PREFIX)) != LEGACY_PREFIX:
            return "it is a pickle, not a file torch.save wrote"
        return first_refusal(stream, pickles=LEGACY_PICKLES)


def first_refusal(stream: IO[bytes], pickles: int) -> str | None:
    """The first opcode or global in the next ``pickles`` pickles that the safe loader refuses."""
    try:
        for opcode, arg in opcodes(stream, pickles):
            if opcode not in SAFE_OPCODES:
                return f"it uses the pickle opcode {opcode}, which the safe loader does not read"
            if opcode == "GLOBAL" and not is_safe_global(str(arg)):
                return f"it needs {str(arg).replace(' ', '.')}, which the safe loader refuses"
    except ValueError as error:
        return f"it is not a readable pickle ({error})"
    return None


def opcodes(stream: IO[bytes], pickles: int) -> Iterator[tuple[str, object]]:
    for _ in range(pickles):
        for opcode, arg, _ in pickletools.genops(stream):
            yield opcode.name, arg


def is_safe_global(module_and_name: str) -> bool:
    module, _, name = module_and_name.partition(" ")
    module, name = NAME_MAPPING.get((module, name), (IMPORT_MAPPING.get(module, module), name))
    full = f"{module}.{name}"
    return full in SAFE_GLOBALS or SAFE_GLOBAL_PATTERN.fullmatch(full) is not None
