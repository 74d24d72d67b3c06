"""Checkpoints that pickle classes of modules adopt moves: they stop loading after the move.

A YOLOv5 ``best.pt`` holds the whole model, pickled: ``models.yolo.DetectionModel``,
``models.common.Conv``. pickle imports those modules by the names they had when it was saved,
so once ``models/`` is ``<package>/models/``, ``torch.load`` of every checkpoint the author
has (committed or not) stops with ``ModuleNotFoundError: No module named 'models'``, and so
does ``weights add --format safetensors`` of it. adopt reads the pickle's opcodes (no torch,
nothing unpickled) and names such files under "needs a person".
"""

from __future__ import annotations

import pickletools
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ml_publish.adopt.moves import module_of

# Beyond this, a checkpoint's pickle is not read (the tensors are in other zip members; the
# pickle of even a large model's structure is a few MB).
MAX_PICKLE_BYTES = 64 * 1024 * 1024


def pickled_globals(file: Path) -> Iterator[str]:
    """``module.name`` of each class or function a torch zip checkpoint's pickle names."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith("/data.pkl")]
            if not members or members[0].file_size > MAX_PICKLE_BYTES:
                return
            data = archive.read(members[0])
    except (OSError, zipfile.BadZipFile):
        return
    strings: list[str] = []
    try:
        for opcode, argument, _ in pickletools.genops(data):
            if opcode.name == "GLOBAL" and isinstance(argument, str):
                yield argument.replace(" ", ".", 1)
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                yield f"{strings[-2]}.{strings[-1]}"
            if isinstance(argument, str):
                strings.append(argument)
    except (ValueError, EOFError):  # a truncated or unusual pickle: what was read stands
        return


def moved_class_items(
    root: Path, weights: Iterable[str], destinations: Mapping[str, str]
) -> list[str]:
    """The "needs a person" lines for the ``weights`` whose pickles name moved modules."""
    moved = {
        module_of(source): module_of(target)
        for source, target in destinations.items()
        if source.endswith(".py")
    }
    items = []
    for path in weights:
        names = sorted(
            {name for name in pickled_globals(root / path) if name.rsplit(".", 1)[0] in moved}
        )
        if names:
            first = names[0].rsplit(".", 1)
            items.append(
                f"{path} pickles classes of modules that move ({', '.join(names[:3])}"
                f"{', ...' if len(names) > 3 else ''}): torch.load of it (and of every "
                f"checkpoint saved the same way) fails once {first[0]} is "
                f"{moved[first[0]]}: before adopting, load it and save its model's "
                "state_dict() (tensors only, no classes) in its place"
            )
    return items
