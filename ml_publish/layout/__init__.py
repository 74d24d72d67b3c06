"""Where a Python project keeps its packages and its version, read as its build backend reads them.

One place for every command: ``check`` audits the packages found here, ``weights`` keeps its
registry in one of them, ``release`` bumps the version where this says it is, and ``adopt``
keeps the packages the metadata declares. Plain facts: these modules read files and import only
the plain-facts modules below them.
"""
