"""``ml-publish update``: bring a project made from the template up to a later template.

record (what rendered the project) → sources (each version's template: bundled, cached or
fetched) → plan (base, theirs and ours per file; pyproject.toml per key; the files made from
the weights registry regenerated) → apply.
"""
