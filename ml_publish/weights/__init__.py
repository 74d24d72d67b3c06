"""Weights: the registry and its naming rules, file recognition, the README table and hubconf.py,
checkpoints, registration, verification, and the uploader to GitHub releases with its state."""
