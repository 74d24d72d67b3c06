"""Which distribution an import name comes from, and which import names a distribution gives.

The mapping deptry uses, rebuilt here rather than called (deptry's Python API is internal to its
command line, and its answer comes from the environment it runs in): the installed environment's
metadata (``importlib.metadata``: ``packages_distributions()`` and each distribution's
top-level names), and a table for what is not installed: the import names whose distribution is
named otherwise (``cv2`` → opencv-python, ``sklearn`` → scikit-learn, ``PIL`` → Pillow), the
common ones whose distribution has their name, and the ones no PyPI distribution provides
(``google.colab``, ``detectron2``). A name found nowhere is uncertain: PyPI's ``sklearn`` and
``clip`` are not what ``import sklearn`` and ``import clip`` mean.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# Import name (dotted under a namespace package) → the distribution to add, then the others that
# provide it too.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "cv2": (
        "opencv-python",
        "opencv-python-headless",
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
    ),
    "sklearn": ("scikit-learn",),
    "PIL": ("Pillow", "pillow-simd"),
    "yaml": ("PyYAML",),
    "skimage": ("scikit-image",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "bs4": ("beautifulsoup4",),
    "google.protobuf": ("protobuf",),
    "google.auth": ("google-auth",),
    "google.cloud.storage": ("google-cloud-storage",),
    "google.cloud.bigquery": ("google-cloud-bigquery",),
    "google.generativeai": ("google-generativeai",),
    "googleapiclient": ("google-api-python-client",),
    "attr": ("attrs",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("PyJWT",),
    "jose": ("python-jose",),
    "magic": ("python-magic",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "gi": ("PyGObject",),
    "OpenGL": ("PyOpenGL",),
    "OpenSSL": ("pyOpenSSL",),
    "nacl": ("PyNaCl",),
    "wx": ("wxPython",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "fitz": ("PyMuPDF",),
    "git": ("GitPython",),
    "github": ("PyGithub",),
    "slugify": ("python-slugify",),
    "zmq": ("pyzmq",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "Bio": ("biopython",),
    "osgeo": ("GDAL",),
    "absl": ("absl-py",),
    "haiku": ("dm-haiku",),
    "tree": ("dm-tree",),
    "sonnet": ("dm-sonnet",),
    "umap": ("umap-learn",),
    "imblearn": ("imbalanced-learn",),
    "skopt": ("scikit-optimize",),
    "skvideo": ("scikit-video",),
    "Levenshtein": ("Levenshtein", "python-Levenshtein"),
    "hydra": ("hydra-core",),
    "whisper": ("openai-whisper",),
    "MeCab": ("mecab-python3",),
    "speech_recognition": ("SpeechRecognition",),
    "pycrfsuite": ("python-crfsuite",),
    "snappy": ("python-snappy",),
    "pynvml": ("nvidia-ml-py", "pynvml"),
    "pl_bolts": ("lightning-bolts",),
    "classification_models": ("image-classifiers",),
    "mpl_toolkits": ("matplotlib",),
    "pylab": ("matplotlib",),
    "pkg_resources": ("setuptools",),
    "Xlib": ("python-xlib",),
    "ruamel.yaml": ("ruamel.yaml",),
    "win32api": ("pywin32",),
    "win32con": ("pywin32",),
    "past": ("future",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos"),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu"),
    "mmcv": ("mmcv", "mmcv-full", "mmcv-lite"),
    "igraph": ("igraph", "python-igraph"),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "torch": ("torch",),
    "functorch": ("torch",),
    "keras": ("keras", "tensorflow"),
}
# Common import names whose distribution has the same name (``_`` read as ``-``).
SAME_NAME = frozenset("""
    torchvision torchaudio torchtext torchdata torchmetrics numpy scipy pandas matplotlib seaborn
    tqdm timm transformers datasets tokenizers accelerate diffusers evaluate peft safetensors
    huggingface_hub sentence_transformers einops albumentations imgaug kornia lightning
    pytorch_lightning tensorboard tensorboardX wandb mlflow optuna omegaconf jax jaxlib flax optax
    xgboost lightgbm catboost h5py tables numba networkx sympy statsmodels requests joblib click
    fire rich pydantic jsonschema lxml pyarrow polars dask nltk spacy gensim librosa soundfile
    imageio tifffile pycocotools segmentation_models_pytorch efficientnet_pytorch pretrainedmodels
    onnx gym gymnasium ray plotly bokeh streamlit gradio flask fastapi uvicorn boto3 shapely
    pyproj rasterio geopandas nibabel pydicom SimpleITK openpyxl psutil regex toml tomli tomlkit
    packaging setuptools Cython cloudpickle dill msgpack fsspec termcolor tabulate colorama
    editdistance rapidfuzz unidecode ftfy jieba lmdb zarr xarray netCDF4 bitsandbytes deepspeed
    xformers triton sacrebleu rouge_score jinja2 markdown pygments docutils IPython ipywidgets
    tensorflow_hub tensorflow_datasets tensorflow_addons tensorflow_probability torch_geometric
    dgl ogb captum shap lime thop fvcore iopath mmdet mmseg mmengine opacus sentencepiece
    """.split())
# Import names no PyPI distribution provides, and why.
NOT_ON_PYPI = {
    "google.colab": "only Google Colab provides it",
    "kaggle_secrets": "only Kaggle's notebooks provide it",
    "kaggle_datasets": "only Kaggle's notebooks provide it",
    "detectron2": "detectron2 is installed from its repository, not PyPI",
    "apex": "NVIDIA's apex is installed from its repository (PyPI's apex is another project)",
    "clip": "OpenAI's CLIP is installed from its repository (PyPI's clip is another project)",
}
# Top-level names shared by many distributions: their import names are two parts deep.
NAMESPACES = frozenset({"google", "azure", "ruamel", "jaraco", "zope", "backports"})
KNOWN = {*DISTRIBUTIONS, *NOT_ON_PYPI}


def import_name(module: str) -> str:
    """The name a dotted import is known by: ``google.protobuf`` for ``google.protobuf.message``
    (the table's longest prefix, else two parts under a namespace), else its top level."""
    parts = module.split(".")
    for depth in range(len(parts), 0, -1):
        if ".".join(parts[:depth]) in KNOWN:
            return ".".join(parts[:depth])
    return ".".join(parts[:2]) if parts[0] in NAMESPACES else parts[0]


def distribution_for(name: str, installed: Mapping[str, list[str]] | None = None) -> str | None:
    """The distribution that provides the import name ``name``, when that is certain: the
    table's, a common same-named one, or the one distribution ``installed`` (what
    ``importlib.metadata.packages_distributions()`` returns) gives it; else ``None``."""
    if name in DISTRIBUTIONS:
        return DISTRIBUTIONS[name][0]
    if name in SAME_NAME:
        return name.replace("_", "-")
    providers = sorted(set((installed or {}).get(name, [])))
    return providers[0] if len(providers) == 1 else None


def provided_names(distribution: str) -> set[str]:
    """The import names (lowercase) a distribution gives by its name: its own name read as one,
    and the table's (see ``DeclaredNames`` for its installed metadata)."""
    canonical = re.sub(r"[-_.]+", "-", distribution).lower()
    names = {canonical.replace("-", "_")}
    if canonical.split("-")[0] in NAMESPACES:
        # google-cloud-storage gives google.cloud.storage; tensorflow-datasets gives
        # tensorflow_datasets, never tensorflow itself.
        names.add(canonical.replace("-", "."))
    names |= {
        name.lower()
        for name, providers in DISTRIBUTIONS.items()
        if canonical in {re.sub(r"[-_.]+", "-", p).lower() for p in providers}
    }
    return names


class DeclaredNames:
    """The import names some distributions give; their installed metadata (reading a RECORD
    of thousands of lines for torch) is read only for an import their names do not explain."""

    def __init__(self, distributions: list[str]) -> None:
        self.distributions = distributions
        self.names = {name for d in distributions for name in provided_names(d)}
        self.installed_read = False

    def provide(self, module: str) -> bool:
        """Whether one of the distributions provides the dotted import ``module``."""
        if is_provided(module, self.names):
            return True
        if self.installed_read:
            return False
        self.installed_read = True
        self.names |= {name for d in self.distributions for name in installed_top_levels(d)}
        return is_provided(module, self.names)


def installed_top_levels(distribution: str) -> set[str]:
    """The top-level import names of ``distribution`` where it is installed (empty elsewhere)."""
    from importlib import metadata

    try:
        found = metadata.distribution(distribution)
    except (metadata.PackageNotFoundError, ValueError):
        return set()
    top_level = found.read_text("top_level.txt")
    if top_level:
        return {line.strip().lower() for line in top_level.splitlines() if line.strip()}
    tops = {str(file).split("/")[0] for file in found.files or []}
    return {
        top.removesuffix(".py").lower()
        for top in tops
        if not top.endswith((".dist-info", ".data", ".pth")) and not top.startswith("__")
    }


def is_provided(module: str, names: set[str]) -> bool:
    """Whether the dotted import ``module`` comes from a distribution giving ``names``."""
    lowered = module.lower()
    return any(
        lowered == name or lowered.startswith(f"{name}.") or name.startswith(f"{lowered}.")
        for name in names
    )
