"""The template's demo apps run, predict with a registered weight, and show in a browser.

For each ``demo_app`` choice a project is rendered and given a weight file that classifies a
picture by its colour (so the right answer is known), then installed with its ``demo`` extra.
Its ``app.py`` is started on a free port against a local server of that weight, asked for a
prediction through the framework's own client, and loaded in headless Chromium. A project
without weights must say so in the app, and the app must keep serving.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TORCH_REQUIREMENT
from tests.support.browser import WINDOW_SIZE, Page, wait_for_page
from tests.support.colour_weights import (
    CATEGORIES,
    expected_scores,
    register_colour_classifier,
    serving_registered_weights,
)
from tests.support.png import read_png, write_solid_png
from tests.support.processes import run
from tests.support.projects import render
from tests.support.served_process import free_port, serving_process
from tests.support.venvs import VirtualEnv, create_venv

# As in COMBINATIONS, with a python_min this machine's CPython 3.11 can install.
APPS: dict[str, dict[str, str]] = {
    "gradio": {
        "project_name": "Tumour Detector",
        "python_min": "3.11",
        "license": "Apache-2.0",
        "line_length": "88",
        "demo_app": "gradio",
    },
    "streamlit": {
        "project_name": "Kaggle Whale Id",
        "license": "Proprietary",
        "demo_app": "streamlit",
        "include_notebook": "no",
    },
}
# The picture each app is shown: a different winning colour for each.
PICTURE_COLOURS = {"gradio": (40, 180, 70), "streamlit": (30, 60, 200)}
WEIGHT_NAME = "colours_v1"
# A prediction takes seconds; a server that stopped answering must not hang the test.
PREDICTION_TIMEOUT = 120
# Probabilities as apps show them: float32 from the model, Streamlit's to 0.1 %.
TOLERANCE = 1e-3
# A blank page has one colour and a rendered app hundreds (antialiased text, buttons). Streamlit's
# toolbar alone has hundreds too, but fills only its top 20 rows, and with the heading drawn and
# nothing below it (a load on a busy machine) 60; the whole apps fill nearly 150 and more.
MIN_COLOURS = 50
MIN_ROWS_WITH_INK = 100
# Keep the apps quiet: no analytics or update checks. Not HF_HUB_OFFLINE: the generated loader
# honours it as huggingface_hub does (a weight not cached yet is refused), and each app
# downloads its weight from the local release on its first prediction.
OFFLINE = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
}

GRADIO_PREDICTION = """
import json, sys
from gradio_client import Client, handle_file
client = Client(sys.argv[1], verbose=False)
label = client.predict(handle_file(sys.argv[2]), api_name="/predict")
print(json.dumps({c["label"]: c["confidence"] for c in label["confidences"]}))
"""
# AppTest runs the script in this process; what it shows is read back as text.
STREAMLIT_PREDICTION = """
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=120)
app.run()
with open(sys.argv[2], "rb") as picture:
    app.file_uploader[0].set_value(("picture.png", picture.read(), "image/png"))
app.run()
shown = {
    "exceptions": [exception.value for exception in app.exception],
    "subheaders": [subheader.value for subheader in app.subheader],
}
print(json.dumps(shown))
"""


@dataclass(frozen=True)
class DemoProjects:
    """The rendered projects by app, installed with their weight into one venv."""

    venv: VirtualEnv
    roots: dict[str, Path]


@dataclass(frozen=True)
class RunningApp:
    """An app serving at ``url``, and the environment it runs in (its weights' mirror)."""

    name: str
    root: Path
    url: str
    venv: VirtualEnv
    env: dict[str, str]


@pytest.fixture(scope="session")
def demo_projects(tmp_path_factory: pytest.TempPathFactory) -> DemoProjects:
    """Both demo-app projects with the colour classifier registered, installed in one venv."""
    venv = create_venv(tmp_path_factory.mktemp("demo-venv") / "venv")
    # First and by itself, so pip never reaches for a bigger torch build than this one; with
    # safetensors, which the project's model.py imports to save the weights below.
    venv.pip_install(TORCH_REQUIREMENT, "safetensors>=0.4")
    roots = {}
    for name, answers in APPS.items():
        root = render(tmp_path_factory.mktemp(name), answers)
        register_colour_classifier(venv.python, root, WEIGHT_NAME, root.parent)
        roots[name] = root
    venv.pip_install(*(f"{root}[demo]" for root in roots.values()))
    return DemoProjects(venv, roots)


@pytest.fixture(scope="module", params=list(APPS))
def running_app(
    request: pytest.FixtureRequest,
    demo_projects: DemoProjects,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningApp]:
    name: str = request.param
    scratch = tmp_path_factory.mktemp(f"{name}-app")
    with running_demo(name, demo_projects.roots[name], demo_projects.venv, scratch) as app:
        yield app


@contextmanager
def running_demo(name: str, root: Path, venv: VirtualEnv, scratch: Path) -> Iterator[RunningApp]:
    """The project's app serving on a free port, its weights on a local mirror, until the block
    ends; then both are stopped."""
    scratch.mkdir(parents=True, exist_ok=True)
    with serving_registered_weights(root, scratch / "mirror") as mirror:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        env = {
            **OFFLINE,
            f"{package_of(root).upper()}_WEIGHTS_MIRROR": mirror,
            # An empty cache: the app must download (and verify) the weight from the mirror.
            "TORCH_HOME": str(scratch / "torch-home"),
            # gradio's launch() takes its address from here; it keeps uploads in its temp dir.
            "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_SERVER_PORT": str(port),
            "GRADIO_TEMP_DIR": str(scratch / "gradio-files"),
        }
        command = app_command(name, venv, port)
        with serving_process(command, url=url, log=scratch / "app.log", cwd=root, env=env):
            yield RunningApp(name, root, url, venv, env)


def package_of(root: Path) -> str:
    (registry,) = root.glob("*/weights.json")
    return registry.parent.name


def app_command(name: str, venv: VirtualEnv, port: int) -> list[str | Path]:
    """How the generated README says to start the app, on ``port`` of 127.0.0.1."""
    if name == "gradio":
        return [venv.python, "app.py"]
    return [venv.python, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip


def shown_prediction(app: RunningApp, picture: Path) -> dict[str, float]:
    """The class probabilities the app shows for ``picture``, asked through its framework."""
    if app.name == "gradio":
        result = run(
            [app.venv.python, "-c", GRADIO_PREDICTION, app.url, picture],
            env=app.env,
            timeout=PREDICTION_TIMEOUT,
        )
        scores: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
        return scores
    result = run(
        [app.venv.python, "-c", STREAMLIT_PREDICTION, app.root / "app.py", picture],
        env=app.env,
        timeout=PREDICTION_TIMEOUT,
    )
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert not shown["exceptions"], shown["exceptions"]
    assert len(shown["subheaders"]) == 1, f"expected one headline, got {shown['subheaders']}"
    label, percent = shown["subheaders"][0].rsplit(": ", 1)
    return {label: float(percent.removesuffix("%")) / 100}


def test_the_app_predicts_the_colour_of_a_picture(running_app: RunningApp, tmp_path: Path) -> None:
    colour = PICTURE_COLOURS[running_app.name]
    picture = tmp_path / "picture.png"
    write_solid_png(picture, 64, 48, colour)
    expected = expected_scores(colour)

    shown = shown_prediction(running_app, picture)

    best = max(expected, key=expected.__getitem__)
    assert max(shown, key=shown.__getitem__) == best
    assert set(shown) <= set(CATEGORIES)
    for label, probability in shown.items():
        assert probability == pytest.approx(expected[label], abs=TOLERANCE), (label, shown)
    if running_app.name == "gradio":
        assert set(shown) == set(CATEGORIES)


def test_the_browser_shows_the_page_with_its_title(running_app: RunningApp, tmp_path: Path) -> None:
    title = APPS[running_app.name]["project_name"]
    screenshot = tmp_path / f"{running_app.name}.png"

    # Streamlit sends the page element by element as its script runs: on a busy machine a load
    # can catch the heading before the rest, so the page is ready when all of it is drawn.
    page = wait_for_page(running_app.url, screenshot, lambda page: fully_drawn(page, title))

    assert title in page.headings, f"no <h1> {title!r} at {running_app.url}: {page}"
    assert page.title == title
    picture = read_png(page.screenshot)
    assert (picture.width, picture.height) == WINDOW_SIZE
    assert picture.distinct_colours() > MIN_COLOURS
    assert picture.rows_with_ink() > MIN_ROWS_WITH_INK, f"a nearly empty page: {screenshot}"


def fully_drawn(page: Page, title: str) -> bool:
    """Whether ``page`` has its heading and a screenshot with more than the heading in it."""
    if title not in page.headings:
        return False
    picture = read_png(page.screenshot)
    return picture.rows_with_ink() > MIN_ROWS_WITH_INK and picture.distinct_colours() > MIN_COLOURS


def test_gradio_app_without_weights_says_so_and_keeps_serving(
    demo_projects: DemoProjects, tmp_path: Path
) -> None:
    answers = {**APPS["gradio"], "project_name": "Empty Net"}
    root = render(tmp_path, answers)
    demo_projects.venv.pip_install("--no-deps", root)
    picture = tmp_path / "picture.png"
    write_solid_png(picture, 8, 8, (0, 0, 0))

    with running_demo("gradio", root, demo_projects.venv, tmp_path / "run") as app:
        result = run(
            [app.venv.python, "-c", GRADIO_PREDICTION, app.url, picture],
            env=app.env,
            expect_success=False,
            timeout=PREDICTION_TIMEOUT,
        )
        with urllib.request.urlopen(app.url, timeout=10) as still_serving:
            assert still_serving.status == 200

    assert result.returncode != 0
    assert "No weights yet: run ml-publish weights add first." in result.stderr
