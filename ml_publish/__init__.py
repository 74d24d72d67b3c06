"""ml-publish: turn a finished ML project into a package people can install, trust and build on."""

__version__ = "0.1.0"
# Where the pre-commit hooks of generated projects come from; the template reads it from here.
REPOSITORY_URL = "https://github.com/ml-publish/ml-publish"
