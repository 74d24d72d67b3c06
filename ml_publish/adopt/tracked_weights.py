"""The tracked files adopt takes out of git: what each one is, weights or data, and its name.

Which files: those the shared rule calls weight-like (``weights.recognition.weight_kind``: a
weight extension or weight-like content, above 100 KB), the rule of the ``no-weights-in-git``
hook and of WGT106, so adopt, the hook and the check agree. Smaller files stay tracked, and so
do tables (a CSV is text, and nothing would stop the next one being committed).

Weights or data, decided in this order:

1. Model formats are weights wherever they are: ``.pt .pth .ckpt .safetensors .onnx .tflite
   .pb .h5 .hdf5 .keras .gguf`` by extension; PyTorch checkpoints, safetensors, HDF5, TFLite
   and GGUF files by content.
2. Arrays and tables are data: ``.npy .csv .tsv .parquet .feather .arrow``, compressed or not.
3. Anything else (pickles, ``.joblib``, ``.npz``, ``.bin``, unknown extensions) is read from its
   path split into words. A weight word in the file name (model, weights, checkpoint, epoch,
   classifier, encoder, lgbm, ...) makes it weights. Else the nearest directory with a weight
   or a data word decides: ``models/fold0.pkl`` is weights, ``gcn/data/split.fold.x`` data (the
   package's own name is no evidence: ``text_classifier/folds.pkl`` is data). Else a data word
   in the file name (split, fold, train, test, val, label, feature, target, oof, ...) makes it
   data; anything else is weights, as adopt has always called such files.

Names: the file name without the suffixes that only say its format (``.pth``, ``.pkl``, ``.tar``,
``.gz``, ...), other characters than letters and digits as ``_``: ``data/split.fold.x`` is
``split_fold_x``, ``best.pth.tar`` is ``best``. Files whose names still clash are told apart by
their nearest directories (``fold1/best.pth`` is ``fold1_best``), then by their suffix
(``best.pt`` is ``best_pt``). A name still taken, by another file or by a registered entry
with other content, gets the first free ``_2``, ``_3``, ..., in path order. The weights of a
Hugging Face ``save_pretrained`` directory have names transformers fixes (``model.safetensors``,
``pytorch_model.bin``, ``model-00001-of-00002.safetensors``, PEFT's ``adapter_model.bin``) and
sit beside its ``config.json`` (``adapter_config.json``): the directory names them
(``models/deberta-v3-fold0/model.safetensors`` is ``deberta_v3_fold0``, a shard
``deberta_v3_fold0_00001_of_00002``). Names are compared
as hubconf.py entry points (case-insensitively), so no two share an entry point. A registered
entry of the same name and content keeps its name: registering it again changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.digests import sha256_of
from ml_publish.weights.hubconf import entry_point_name
from ml_publish.weights.naming import DATA_KIND, REGISTRY_FILE
from ml_publish.weights.recognition import HEAD_BYTES, WEIGHT_EXTENSIONS, content_kind
from ml_publish.weights.registry import WeightEntry, load_registry

WEIGHTS_KIND = "weights"
MODEL_EXTENSIONS = (
    ".pt", ".pth", ".ckpt", ".safetensors", ".onnx", ".tflite", ".pb", ".h5", ".hdf5",
    ".keras", ".gguf",
)  # fmt: skip
MODEL_CONTENTS = (
    "a PyTorch checkpoint",
    "a safetensors file",
    "an HDF5 (Keras) model",
    "a TensorFlow Lite model",
    "a GGUF model",
)
DATA_EXTENSIONS = (".csv", ".tsv", ".npy", ".parquet", ".feather", ".arrow")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".zip", ".tar", ".7z")
# Suffixes a name leaves out: they say how the file is stored, not what it holds.
FORMAT_SUFFIXES = frozenset(
    WEIGHT_EXTENSIONS
    + MODEL_EXTENSIONS
    + DATA_EXTENSIONS
    + COMPRESSION_SUFFIXES
    + (".pickle", ".p", ".dat", ".data", ".model", ".weights")
)
WEIGHT_WORDS = frozenset(
    "model models weight weights checkpoint checkpoints ckpt ckpts pretrained snapshot "
    "snapshots epoch net network clf classifier regressor estimator encoder decoder "
    "tokenizer vectorizer scaler lgbm lightgbm xgb xgboost catboost booster".split()
)
DATA_WORDS = frozenset(
    "data dataset datasets input inputs split splits fold folds train training test testing "
    "val valid validation dev label labels feature features feat feats target targets sample "
    "samples oof submission pred preds prediction predictions".split()
)
WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
SAVED_PRETRAINED = re.compile(
    r"^(?:pytorch_|tf_|flax_|adapter_)?model(?:-(\d+-of-\d+))?\.(?:safetensors|bin|h5|msgpack)$"
)
PRETRAINED_CONFIGS = ("config.json", "adapter_config.json")


@dataclass(frozen=True)
class UntrackedFile:
    """A tracked file adopt takes out of git and registers: its path, name and kind."""

    path: str
    name: str
    kind: str


def files_to_untrack(analysis: RepositoryAnalysis, package: str) -> list[UntrackedFile]:
    """The weight-like tracked files, each with its kind and a name no other file has."""
    paths = sorted(path for path, _ in analysis.tracked_weights)
    registered = registered_entries(analysis.root / package / REGISTRY_FILE)
    named_by_directory = saved_pretrained(paths, analysis.files)
    names = unique_names(paths, registered, analysis.root, named_by_directory)
    return [
        UntrackedFile(path, names[path], kind_of_file(analysis.root, path, package))
        for path in paths
    ]


def saved_pretrained(paths: Iterable[str], files: Iterable[str]) -> frozenset[str]:
    """The ``paths`` that are a ``save_pretrained`` directory's weights: a name transformers
    fixes, beside the directory's configuration."""
    present = set(files)
    return frozenset(
        path
        for path in paths
        if "/" in path
        and SAVED_PRETRAINED.match(PurePosixPath(path).name)
        and any(str(PurePosixPath(path).parent / name) in present for name in PRETRAINED_CONFIGS)
    )


def registered_entries(registry: Path) -> list[WeightEntry]:
    """The registry's entries, if the package has one already (an invalid one stops the plan)."""
    return load_registry(registry) if registry.is_file() else []


def kind_of_file(root: Path, path: str, package: str) -> str:
    with open(root / path, "rb") as stream:
        return kind_of(path, stream.read(HEAD_BYTES), package)


def kind_of(path: str, head: bytes, package: str = "") -> str:
    """``"weights"`` or ``"data"`` for a file at ``path`` that starts with ``head``."""
    name = PurePosixPath(path).name
    if name.lower().endswith(MODEL_EXTENSIONS) or content_kind(head) in MODEL_CONTENTS:
        return WEIGHTS_KIND
    if without_suffixes(name, COMPRESSION_SUFFIXES).lower().endswith(DATA_EXTENSIONS):
        return DATA_KIND
    if said_by(name) == WEIGHTS_KIND:
        return WEIGHTS_KIND
    directories = PurePosixPath(path).parent.parts
    if directories[:1] == (package,):
        directories = directories[1:]
    for directory in reversed(directories):
        if kind := said_by(directory):
            return kind
    return said_by(name) or WEIGHTS_KIND


def said_by(part: str) -> str | None:
    """The kind the words of a file or directory name say: weight words win, then data words."""
    words = {word.lower() for word in WORD.findall(part)}
    if words & WEIGHT_WORDS:
        return WEIGHTS_KIND
    return DATA_KIND if words & DATA_WORDS else None


def without_suffixes(name: str, suffixes: Iterable[str]) -> str:
    """``name`` without the trailing ones of ``suffixes`` (``a.csv.gz`` → ``a.csv``)."""
    known = {suffix.lower() for suffix in suffixes}
    while True:
        stem, dot, suffix = name.rpartition(".")
        if not (dot and stem and f".{suffix.lower()}" in known):
            return name
        name = stem


def as_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def base_name(path: str) -> str:
    """The name the file's own name gives: format suffixes dropped, the rest kept."""
    return as_name(without_suffixes(PurePosixPath(path).name, FORMAT_SUFFIXES)) or "file"


def qualified_name(path: str, depth: int, named_by_directory: Collection[str] = ()) -> str:
    """``base_name`` preceded by up to ``depth`` of the file's nearest directories; for a
    ``save_pretrained`` weight (in ``named_by_directory``) its directory is the base name."""
    directories = PurePosixPath(path).parent.parts
    base = base_name(path)
    if path in named_by_directory:
        shard = SAVED_PRETRAINED.match(PurePosixPath(path).name)
        directories, base = directories[:-1], as_name(directories[-1])
        base = "_".join(filter(None, [base, as_name((shard and shard[1]) or "")]))
    directories = directories[-depth:] if depth else ()
    return "_".join(filter(None, [*map(as_name, directories), base]))


def clash_key(name: str) -> str:
    """What two names must not share: their hubconf.py entry point, in any case."""
    return entry_point_name(name).casefold()


def names_within(paths: list[str], named_by_directory: Collection[str] = ()) -> dict[str, str]:
    """A name per path, as short as telling the paths apart allows.

    Clashing names take one more directory each round; names that still clash when no
    directory is left take their suffixes. What still clashes then is numbered later.
    """
    names: dict[str, str] = {}
    pending = sorted(paths)
    depth = 0
    while pending:
        candidates = {path: qualified_name(path, depth, named_by_directory) for path in pending}
        counts = Counter(clash_key(name) for name in candidates.values())
        resolved = {clash_key(name) for name in names.values()}
        for path, name in candidates.items():
            if counts[clash_key(name)] == 1 and clash_key(name) not in resolved:
                names[path] = name
        pending = [path for path in pending if path not in names]
        if all(depth >= len(PurePosixPath(path).parent.parts) for path in pending):
            names.update({path: with_suffix(candidates[path], path) for path in pending})
            break
        depth += 1
    return names


def with_suffix(name: str, path: str) -> str:
    """``name`` followed by the file's format suffixes (``best.pt`` → ``best_pt``)."""
    file_name = PurePosixPath(path).name
    suffixes = file_name[len(without_suffixes(file_name, FORMAT_SUFFIXES)) :]
    return "_".join(filter(None, [name, as_name(suffixes)]))


def unique_names(
    paths: list[str],
    registered: list[WeightEntry],
    root: Path,
    named_by_directory: Collection[str] = (),
) -> dict[str, str]:
    """A name per path, unique among the paths and the registry; numbered where needed."""
    proposed = names_within(paths, named_by_directory)
    by_name = {entry.name: entry for entry in registered}
    taken = {clash_key(name) for name in [*by_name, *proposed.values()]}
    used: set[str] = set()
    names: dict[str, str] = {}
    for path in paths:
        name = proposed[path]
        same = by_name.get(name)
        reused = same is not None and is_registered_file(root / path, same)
        others = {clash_key(entry.name) for entry in registered if not (reused and entry is same)}
        if clash_key(name) in others | used:
            name = first_free(name, taken)
            taken.add(clash_key(name))
        used.add(clash_key(name))
        names[path] = name
    return names


def is_registered_file(file: Path, entry: WeightEntry) -> bool:
    """Whether ``entry`` registered exactly this file (the size is compared before hashing)."""
    return file.stat().st_size == entry.size and sha256_of(file) == entry.sha256


def first_free(name: str, taken: set[str]) -> str:
    number = 2
    while clash_key(f"{name}_{number}") in taken:
        number += 1
    return f"{name}_{number}"


def pretrained_directory_items(
    untracked: Iterable[tuple[str, str]], files: Iterable[str], package: str
) -> list[str]:
    """What a person must know of each ``save_pretrained`` weight adopt takes out of git:
    ``from_pretrained`` reads the directory, which a clone now has without it."""
    pairs = dict(untracked)
    return [
        f"{path} is out of git now (registered as {pairs[path]!r}), but "
        f"{PurePosixPath(path).parent}/ is a Hugging Face save_pretrained directory whose "
        "config and tokenizer files stay: from_pretrained needs the file back under its own "
        f"name in a fresh clone ({package}.pretrained.download_weights({pairs[path]!r}), "
        f"copied to {path})"
        for path in sorted(saved_pretrained(pairs, files))
    ]
