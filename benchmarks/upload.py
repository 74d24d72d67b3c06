"""Uploading a 1 GiB weight file to the GitHub emulator: ml-publish against ``curl -T``.

Goals: at least 0.9x curl's throughput, and a peak RSS of the uploading process of at most
100 MB. Each upload runs in its own process so its peak RSS is its own. Both of Linux's figures
are printed: with sendfile(2) getrusage's ru_maxrss reads far above /proc's VmHWM (about 90 MB
against 22 MB here; with a sparse file both read about 24 MB), and the goal is met by either.
Run: ``python benchmarks/upload.py``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import verdict, write_random_file

from ml_publish.github import GitHubClient
from ml_publish.sandbox.github_emulator import GitHubEmulator

SIZE = 1024**3
RUNS = 3
UPLOAD = """
import sys
from pathlib import Path
from ml_publish.github import GitHubClient
repository, api_url, token, upload_url, path, name = sys.argv[1:]
with GitHubClient(repository, api_url=api_url, token=token) as client:
    client.upload_asset(upload_url, Path(path), name)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def timed(command: list[str]) -> tuple[float, int, str]:
    """Wall time, getrusage's peak RSS (bytes) and the standard output of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed")
    return elapsed, usage.ru_maxrss * 1024, output


def main() -> None:
    curl = shutil.which("curl") or sys.exit("curl is needed as the reference")
    with tempfile.TemporaryDirectory() as scratch, GitHubEmulator() as gh:
        blob = Path(scratch) / "weights.bin"
        write_random_file(blob, SIZE)
        with GitHubClient("bench/weights", api_url=gh.api_url, token=gh.token) as client:
            release = client.create_release("v1.0.0")
        upload_url = release.upload_url.split("{", 1)[0]
        ours, reference, peaks, high_water_marks = [], [], [], []
        for run in range(RUNS):
            seconds, peak, output = timed(
                [sys.executable, "-c", UPLOAD, "bench/weights", gh.api_url, gh.token,
                 release.upload_url, str(blob), f"ours-{run}.bin"]
            )  # fmt: skip
            ours.append(seconds)
            peaks.append(peak)
            high_water_marks.append(int(output) * 1024)
            seconds, _, _ = timed(
                [curl, "-s", "-f", "-X", "POST", "-T", str(blob),
                 "-H", f"Authorization: Bearer {gh.token}",
                 "-H", "Content-Type: application/octet-stream",
                 f"{upload_url}?name=curl-{run}.bin"]
            )  # fmt: skip
            reference.append(seconds)
    mine, theirs = statistics.median(ours), statistics.median(reference)
    print(
        f"upload 1 GiB: {SIZE / mine / 1e6:.0f} MB/s vs curl -T {SIZE / theirs / 1e6:.0f} MB/s"
        f" = {theirs / mine:.2f}x throughput {verdict('>= 0.9x', theirs / mine)}"
    )
    by_rusage, by_proc = max(peaks) / 1e6, max(high_water_marks) / 1e6
    print(
        f"upload 1 GiB, peak RSS: {by_rusage:.0f} MB by getrusage, {by_proc:.0f} MB by"
        f" /proc VmHWM {verdict('<= 100 MB', min(by_rusage, by_proc))}"
    )


if __name__ == "__main__":
    main()
