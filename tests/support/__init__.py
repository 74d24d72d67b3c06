"""Machinery shared by the tests: running tools, virtual environments, rendered projects."""
