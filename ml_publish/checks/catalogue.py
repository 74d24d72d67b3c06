"""The table of checks: every check ``ml-publish check`` runs, in the order reports list them.

A check is written in its family's module (``@check("WGT110")``) and listed here, in ``FAMILIES``
order and by ID within a family; tests/checks/test_catalogue.py fails when a check is left out
or out of order. A new family module is one more name in the import below.
"""

from __future__ import annotations

from ml_publish.checks import (
    ci,
    docs,
    lint,
    packaging,
    precommit,
    release_readiness,
    template_drift,
    weight_contract,
    weight_files,
)
from ml_publish.checks.base import Check

CHECKS: tuple[Check, ...] = (
    packaging.pyproject_is_valid,  # PKG101
    packaging.build_system_declared,  # PKG102
    packaging.project_table_complete,  # PKG103
    packaging.requires_python_uncapped,  # PKG104
    packaging.version_single_sourced,  # PKG105
    packaging.no_direct_references,  # PKG106
    packaging.no_local_versions,  # PKG107
    packaging.license_is_spdx_expression,  # PKG108
    packaging.package_present,  # PKG109
    packaging.package_typed,  # PKG110
    packaging.imports_declared,  # PKG111
    lint.formatter_configured,  # LNT101
    lint.linter_configured,  # LNT102
    lint.line_lengths_agree,  # LNT103
    lint.flake8_ignores_black_style,  # LNT104
    lint.type_checker_configured_once,  # LNT105
    precommit.config_present,  # PC101
    precommit.config_parses,  # PC102
    precommit.no_dead_repositories,  # PC103
    precommit.no_removed_hooks,  # PC104
    precommit.revs_are_tags,  # PC105
    precommit.hook_versions_match_pins,  # PC106
    precommit.weights_guard_hook,  # PC107
    ci.workflow_present,  # CI101
    ci.workflows_parse,  # CI102
    ci.workflow_runs_tests,  # CI103
    ci.tests_run_on_default_branch,  # CI104
    ci.python_versions_supported,  # CI105
    ci.ci_extras_exist,  # CI106
    ci.runners_available,  # CI107
    docs.readme_present,  # DOC101
    docs.readme_install_section,  # DOC102
    docs.readme_usage_section,  # DOC103
    docs.readme_weights_table_in_sync,  # DOC104
    docs.license_present,  # DOC105
    docs.license_recognised,  # DOC106
    docs.license_matches_metadata,  # DOC107
    docs.citation_present,  # DOC108
    docs.citation_valid,  # DOC109
    docs.readme_renders_on_pypi,  # DOC110
    weight_files.registry_readable,  # WGT101
    weight_files.full_hashes,  # WGT102
    weight_files.file_names_carry_hash,  # WGT103
    weight_files.names_unique,  # WGT104
    weight_files.sizes_below_release_limit,  # WGT105
    weight_files.no_weights_tracked,  # WGT106
    weight_files.hubconf_matches_registry,  # WGT107
    weight_files.gitignore_covers_checkpoints,  # WGT108
    weight_files.staged_weights_load_safely,  # WGT109
    weight_contract.required_metadata,  # WGT110
    weight_contract.computed_metadata_matches_file,  # WGT111
    weight_contract.metadata_well_typed,  # WGT112
    weight_contract.categories_fit_the_head,  # WGT113
    weight_contract.one_default_per_architecture,  # WGT114
    release_readiness.release_workflow_present,  # REL101
    release_readiness.trusted_publishing,  # REL102
    release_readiness.release_builds_and_checks,  # REL103
    release_readiness.pending_weights_staged,  # REL104
    release_readiness.uploaded_urls_public,  # REL105
    release_readiness.readme_renders_on_pypi,  # REL106
    release_readiness.version_accepted_by_pypi,  # REL107
    template_drift.template_recorded,  # TPL101
    template_drift.template_current,  # TPL102
    template_drift.no_conflict_markers,  # TPL103
)
