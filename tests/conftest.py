"""Shared test setup: property tests draw the same examples on every CI run.

Locally they explore new examples each run (and have found real bugs that way); in CI
(``CI=true``, as ``.ci/run`` sets) a landing must not depend on a lucky draw.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
