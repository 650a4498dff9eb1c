"""The build's web page: ``index.html`` to fly through thousands of levels offline.

:func:`write_page` writes one self-contained ``index.html`` into a build folder
(HTML, CSS and vanilla JS inlined from ``static/``, the manifest's summary and
per-level statistics embedded as JSON). It opens from ``file://`` with no server
and no network, and loads level images lazily, one at a time.
:func:`check_folder` is what ``megagen view`` runs.
"""
from __future__ import annotations

import os
from pathlib import Path

from .data import FolderProblem, payload, read_manifest
from .page import PAGE, write_error_page, write_page, write_payload


def check_folder(out: str | os.PathLike) -> tuple[dict, list[str]]:
    """``(manifest, problems)`` for the build folder ``out``.

    Raises :class:`FolderProblem` if the folder cannot be shown at all (no
    directory, no or broken manifest); ``problems`` lists what the page will warn
    about (missing level images).
    """
    out = Path(out)
    manifest = read_manifest(out)
    return manifest, payload(out, manifest)["problems"]


__all__ = ["PAGE", "FolderProblem", "check_folder", "payload", "read_manifest", "write_error_page", "write_page",
           "write_payload"]
