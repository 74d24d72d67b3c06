"""``ml-publish adopt --no-format`` on a generated 300-module repository (goal: <= 10 s).

The reference, measured in the same run on a copy of the same repository, is the part of the
job git alone does: one ``git mv`` per module into the package directory.
Run with ml-publish installed: ``python benchmarks/adopt.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import verdict

MODULES = 300
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]


def write_repository(root: Path) -> None:
    """Flat modules importing their neighbours, a training script, requirements."""
    root.mkdir()
    for index in range(MODULES):
        imports = "".join(f"import module_{j}\n" for j in range(max(0, index - 3), index))
        body = "".join(
            f"\n\ndef function_{k}(x):\n    return x * {k} + {index}\n" for k in range(10)
        )
        (root / f"module_{index}.py").write_text(imports + body, encoding="utf-8")
    (root / "train.py").write_text(
        "import argparse\n\nimport module_0\n\n\ndef main():\n"
        "    argparse.ArgumentParser().parse_args()\n    print(module_0.function_1(2))\n\n\n"
        'if __name__ == "__main__":\n    main()\n',
        encoding="utf-8",
    )
    (root / "requirements.txt").write_text("numpy==1.26.4\ntorch>=2.1\n", encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "--all"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "--quiet", "-m", "abandoned"], check=True)


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as scratch:
        original = Path(scratch) / "competition"
        write_repository(original)
        reference_copy = Path(scratch) / "reference"
        shutil.copytree(original, reference_copy)
        (reference_copy / "competition").mkdir()
        moves = "\n".join(f"git mv module_{i}.py competition/" for i in range(MODULES))
        reference = timed(["sh", "-c", moves], reference_copy)
        measured = timed([ml_publish, "adopt", "--yes", "--no-format", "license=MIT"], original)
    print(
        f"ml-publish adopt, {MODULES} modules: {measured:.2f} s vs {MODULES} git mv"
        f" {reference:.2f} s = {measured / reference:.2f}x {verdict('<= 10 s', measured)}"
    )


if __name__ == "__main__":
    main()
