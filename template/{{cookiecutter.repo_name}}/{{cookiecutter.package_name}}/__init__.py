"""{{ cookiecutter.description | wordwrap(73, break_long_words=False, break_on_hyphens=False) }}"""

__version__ = "{{ cookiecutter.version }}"
