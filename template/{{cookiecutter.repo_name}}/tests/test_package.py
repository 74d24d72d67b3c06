from importlib.metadata import version

import {{ cookiecutter.package_name }}


def test_installed_version_is_the_one_in_the_package() -> None:
    installed = version("{{ cookiecutter.distribution_name }}")

    assert installed == {{ cookiecutter.package_name }}.__version__
