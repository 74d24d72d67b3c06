"""Reading requirements from every place abandoned repositories keep them."""

from __future__ import annotations

from pathlib import Path

from ml_publish.repository_analysis.dependencies import FoundRequirement, read_dependencies, relax
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.tiny_repos import write_repository


def texts(root: Path) -> dict[str, str]:
    return {r.name: r.text for r in read_dependencies(root).requirements}


def test_requirements_files_follow_includes_and_report_what_they_leave_out(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, ["requirements"])
    report = read_dependencies(root)

    assert {r.name: r.direct_url for r in report.requirements} == {
        "numpy": False,
        "pandas": False,
        "torch": False,
        "timm": True,
        "albumentations": False,
    }
    assert report.problems == ()


def test_pip_options_and_broken_lines_are_problems_not_requirements(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "requirements.txt": (
                "--extra-index-url https://download.pytorch.org/whl/cu118\n-e .\n"
                "-r missing.txt\nnot a requirement!\ngit+https://github.com/o/r.git#egg=thing\n"
            )
        },
    )
    report = read_dependencies(tmp_path)

    assert [r.name for r in report.requirements] == ["thing"]
    assert report.requirements[0].direct_url
    assert len(report.problems) == 4
    assert "pip option --extra-index-url left out" in report.problems[0]
    assert "missing.txt is included but does not exist" in report.problems[2]


def test_the_index_options_the_pins_need_are_kept_in_their_long_form(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "requirements.txt": (
                "--extra-index-url https://download.pytorch.org/whl/cu118\n"
                "torch==2.0.1+cu118\n-r more.txt\n-e .\n"
            ),
            "more.txt": "-f ./wheels  # offline copies\n-i https://pypi.org/simple\ntimm==0.9.2\n",
            "requirements-dev.txt": "--extra-index-url https://dev.example/simple\n",
        },
    )

    assert read_dependencies(tmp_path).index_options == (
        "--find-links ./wheels",
        "--index-url https://pypi.org/simple",
        "--extra-index-url https://download.pytorch.org/whl/cu118",
    )


def test_environment_yml_maps_conda_names_and_reads_pip_and_python(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, ["environment-yml"])
    report = read_dependencies(root)

    assert texts(root) == {
        "torch": "torch>=2.0.1",
        "numpy": "numpy>=1.24",
        "segmentation-models-pytorch": "segmentation-models-pytorch==0.3.3",
    }
    assert report.python == "3.10"


def test_setup_py_literals_are_read_and_computed_arguments_named(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "setup.py": (
                "from setuptools import setup\nimport os\nsetup(name='x', version=os.environ['V'],"
                " install_requires=['numpy>=1.20', 'scipy'])\n"
            )
        },
    )
    report = read_dependencies(tmp_path)

    assert [r.text for r in report.requirements] == ["numpy>=1.20", "scipy"]
    assert report.problems == ("setup.py computes version; check them by hand",)


def test_setup_cfg_install_requires(tmp_path: Path) -> None:
    write_repository(
        tmp_path, {"setup.cfg": "[options]\ninstall_requires =\n    tqdm\n    PyYAML>=6\n"}
    )

    assert texts(tmp_path) == {"tqdm": "tqdm", "PyYAML": "PyYAML>=6"}


def test_relax_turns_exact_pins_into_lower_bounds_and_drops_urls() -> None:
    def found(text: str, direct: bool = False) -> FoundRequirement:
        return FoundRequirement(text, "requirements.txt", text.split("=")[0], direct)

    assert relax(found("torch==1.13.1")) == "torch>=1.13.1"
    assert relax(found("numpy==1.24.*")) == "numpy==1.24.*"
    assert relax(found("opencv-python[contrib]>=4,<5; sys_platform == 'linux'")) == (
        'opencv-python[contrib]<5,>=4; sys_platform == "linux"'
    )
    assert relax(found("timm @ git+https://x/y", direct=True)) is None


def test_a_local_version_becomes_its_public_version() -> None:
    requirement = FoundRequirement("torch==1.7.1+cu110", "requirements.txt", "torch")

    assert relax(requirement) == "torch>=1.7.1"
    assert relax(FoundRequirement("torch!=2.0.0+cu118", "r", "torch")) == "torch!=2.0.0"


def test_development_requirements_are_not_the_packages(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "requirements.txt": "numpy\n-r requirements-dev.txt\n",
            "requirements-dev.txt": "pytest\nflake8\n",
            "requirements_docs.txt": "sphinx\n",
        },
    )
    report = read_dependencies(tmp_path)

    assert [r.name for r in report.requirements] == ["numpy"]
    assert report.problems == (
        "requirements-dev.txt: development requirements, not the package's: left out of "
        "[project.dependencies]",
        "requirements_docs.txt: development requirements, not the package's: left out of "
        "[project.dependencies]",
    )
