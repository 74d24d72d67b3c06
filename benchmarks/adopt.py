"""``ml-publish adopt --no-format`` on a generated 300-module repository (goal: <= 10 s).

The repository's README, a shell script and a Makefile name the scripts by path (32 commands,
rewritten to ``python -m`` or kept by a stand-in). The reference, measured in the same run on a
copy of the same repository, is the part of the job git alone does: one ``git mv`` per module
into the package directory.

The second figure is ``adopt --modernize``'s engine converting 100 generated Python 2 files of
150-300 lines (prints, excepts, dict methods, xrange, tabs, ``async=``): ``modernize_files`` and
``write_conversions`` in a fresh Python process, against ``python -m fissix -w -n`` on an
identical copy (goal: <= 1.5x). Both pay for interpreter start-up and loading the fixers.
Run with ml-publish installed: ``python benchmarks/adopt.py``.
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from timing import report, verdict

MODULES = 300
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
PYTHON2_FILES = 100
MODERNIZE_RUNS = 5
# What `adopt --modernize` runs, in a process of its own like the fissix command it is timed by.
MODERNIZE = """
import sys
from pathlib import Path
from ml_publish.adopt.modernize import modernize_files, write_conversions
root, paths = Path(sys.argv[1]), sys.argv[2:]
conversions = modernize_files(root, paths)
if len(write_conversions(root, conversions)) != len(paths):
    sys.exit([(c.path, c.error) for c in conversions if c.error])
"""
PYTHON2_HEADER = '''"""Training utilities for split {index} (Python 2)."""
import os
import sys
import cPickle
from collections import defaultdict

import numpy as np

'''
PYTHON2_FUNCTIONS = (
    '''
def load_{name}(path):
    """Read the pickled samples at path."""
    try:
        handle = open(path, "rb")
        samples = cPickle.load(handle)
    except IOError, error:
        print "could not read", path, error
        return None
    print >>sys.stderr, "loaded %d samples" % len(samples)
    return samples
''',
    """
def class_weights_{name}(counts):
    total = 0
    for label, count in counts.iteritems():
        total += count
    mean = total / len(counts)
    if counts.has_key("background"):
        print "background:", counts["background"]
    weights = dict((k, mean / v) for k, v in counts.items())
    return weights, sorted(counts.keys())
""",
    """
def batches_{name}(items, size):
\tout = []
\tfor start in xrange(0, len(items), size):
\t\tout.append(items[start:start + size])
\tsizes = map(len, out)
\treturn sizes, out
""",
    """
class Trainer_{name}(object):
    def __init__(self, model, lr=0.01):
        self.model = model
        self.lr = lr
        self.history = defaultdict(list)

    def step(self, batch, epoch):
        batch = batch.cuda(async=True)
        loss = self.model(batch)
        if epoch % 10 == 0:
            print "epoch %d loss %.4f" % (epoch, loss)
        self.history[epoch].append(loss)
        for name, values in self.history.items():
\t    if max(values) > 1e3:
\t\tprint "diverged at", name
        return loss / len(batch)
""",
    """
def evaluate_{name}(model, loader, classes):
    correct = defaultdict(int)
    seen = defaultdict(int)
    for images, labels in loader:
        predictions = np.argmax(model(images), axis=1)
        for truth, guess in zip(labels, predictions):
            seen[truth] += 1
            if truth == guess:
                correct[truth] += 1
    for index in xrange(len(classes)):
        accuracy = 100 * correct[index] / max(seen[index], 1)
        print "%-12s %3d%%" % (classes[index], accuracy)
    return filter(lambda c: seen[c] == 0, seen.keys())
""",
)


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
    write_commands(root)
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "--all"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "--quiet", "-m", "abandoned"], check=True)


def write_commands(root: Path) -> None:
    """The author's commands naming the scripts that move: rewritten, or kept by stand-ins."""
    runs = "".join(f"python module_{i}.py --seed {i}\n" for i in range(0, MODULES, 10))
    (root / "README.md").write_text(
        f"# Competition\n\nTrain with `python train.py --epochs 3`.\n\n```bash\n{runs}```\n",
        encoding="utf-8",
    )
    (root / "scripts").mkdir()
    (root / "scripts" / "train.sh").write_text(
        "#!/bin/bash\nfor fold in 0 1 2 3 4; do\n"
        "  python -u -m torch.distributed.launch --nproc_per_node=2 train.py --fold $fold\n"
        "done\ncd scripts && python ../module_1.py\n",
        encoding="utf-8",
    )
    (root / "Makefile").write_text("train:\n\t$(PYTHON) train.py --epochs 1\n", encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def write_python2_files(root: Path) -> list[str]:
    """``PYTHON2_FILES`` Python 2 modules of 150 to 300 lines; their paths relative to ``root``."""
    generator = random.Random(2013)
    names = []
    for index in range(PYTHON2_FILES):
        target_lines = generator.randint(150, 300)
        parts = [PYTHON2_HEADER.format(index=index)]
        while sum(part.count("\n") for part in parts) < target_lines - 16:
            template = generator.choice(PYTHON2_FUNCTIONS)
            parts.append(template.format(name=f"{index}_{len(parts)}"))
        parts.append('\nif __name__ == "__main__":\n    print "split", sys.argv[1:]\n')
        name = f"legacy/part{index % 10}/split_{index}.py"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(parts), encoding="utf-8")
        names.append(name)
    return names


def timed_in_turns(
    commands: list[list[str]], runs: int, before_each: Callable[[], None]
) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of each command, over ``runs`` rounds after a warm-up round.

    The commands take turns, in reverse order every other round, so that load from other work on
    a shared machine slows them alike; CPU time (the child's user + system) is what load leaves
    out of wall time.
    """
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for attempt in range(runs + 1):
        turns = list(zip(commands, samples))
        for command, taken in turns[:: -1 if attempt % 2 else 1]:
            before_each()
            cpu, start = children_cpu_seconds(), time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if attempt:
                taken.append((time.perf_counter() - start, children_cpu_seconds() - cpu))
    return [
        (statistics.median(wall for wall, _ in taken), statistics.median(cpu for _, cpu in taken))
        for taken in samples
    ]


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def modernize_figure(scratch: Path) -> None:
    pristine, copy = scratch / "python2", scratch / "converted"
    names = write_python2_files(pristine)

    def fresh_copy() -> None:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(pristine, copy)

    fissix = [sys.executable, "-m", "fissix", "-w", "-n", *(str(copy / name) for name in names)]
    modernize = [sys.executable, "-c", MODERNIZE, str(copy), *names]
    (reference, reference_cpu), (measured, measured_cpu) = timed_in_turns(
        [fissix, modernize], MODERNIZE_RUNS, fresh_copy
    )
    lines = sum((pristine / name).read_text(encoding="utf-8").count("\n") for name in names)
    figure = f"adopt --modernize engine, {PYTHON2_FILES} Python 2 files ({lines} lines)"
    report(figure, measured, reference, "python -m fissix -w -n", "<= 1.5x")
    report("  in CPU time", measured_cpu, reference_cpu, "python -m fissix -w -n", None)


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
    with tempfile.TemporaryDirectory() as scratch:
        modernize_figure(Path(scratch))


if __name__ == "__main__":
    main()
