"""The parts of ``ml-publish release``: options, preflight, bump, dists, the GitHub release,
the resumable state that ties them together, and the offline sandbox."""
