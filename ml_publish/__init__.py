"""ml-publish: turn a finished ML project into a package people can install, trust and build on."""

__version__ = "0.1.0"
