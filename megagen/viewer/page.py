"""Write ``index.html``: the page's HTML, CSS and JS (package data) with its data inlined.

One self-contained file: no CDN, no network, no build step, no ``fetch()``; it opens
from ``file://``. Level images are referenced by relative path and loaded one at a
time by the page. Written atomically (temp file, then rename), like every output.
"""
from __future__ import annotations

import html
import json
import os

from functools import lru_cache
from pathlib import Path

from ..files import write_bytes
from .data import FolderProblem, error_payload, json_value, payload

PAGE = "index.html"
_STATIC = Path(__file__).with_name("static")


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def _material_colours() -> dict[str, str]:
    try:
        from megagen import materials

        rgb = materials.base_colours()
    except Exception:  # noqa: BLE001 - swatches are a nicety
        return {}
    out = {}
    for i, colour in enumerate(rgb):
        try:
            out[materials.name(i)] = "#%02x%02x%02x" % tuple(int(c) for c in colour)
        except Exception:  # noqa: BLE001 - an id without a name
            continue
    return out


def _plain(value):
    """Columns (numpy arrays, sparse) become lists one at a time, as the JSON is written."""
    try:
        return json_value(value)
    except TypeError:
        return str(value)


def _json_for_script(data: dict) -> str:
    # inside <script type="application/json">: "<" escaped so "</script>" cannot end it
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, default=_plain)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render(data: dict) -> str:
    """The page for ``data`` (from :func:`megagen.viewer.data.payload` or ``error_payload``)."""
    from megagen import __version__

    if data.get("error"):
        title = "megagen · folder cannot be shown"
    else:
        preset = (data.get("preset") or {}).get("name") or "city"
        title = f"{preset}-{data.get('seed')} · megagen"
        data = {**data, "material_colours": _material_colours()}
    page = _asset("index.html")
    for key, value in (("/*__CSS__*/", _asset("viewer.css")), ("/*__JS__*/", _asset("viewer.js")),
                       ("__TITLE__", html.escape(title)), ("__VERSION__", html.escape(__version__)),
                       ("__DATA__", _json_for_script(data))):
        page = page.replace(key, value, 1)
    return page


def _atomic_write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_page(out: str | os.PathLike, manifest: dict | None = None, stats=None) -> Path:
    """Write ``out/index.html`` for the build in ``out``; return its path.

    ``manifest`` is the build's manifest (read from ``out/manifest.json`` if not
    given); ``stats`` may stream its per-level rows instead of ``manifest["stats"]``.
    Raises :class:`~megagen.viewer.data.FolderProblem` if there is none.
    """
    out = Path(out)
    return write_payload(out, payload(out, manifest, stats))


def write_payload(out: str | os.PathLike, data: dict) -> Path:
    """Write ``out/index.html`` showing ``data`` (see :mod:`megagen.viewer.data`)."""
    path = Path(out) / PAGE
    _atomic_write_text(path, render(data))
    return path


def write_error_page(out: str | os.PathLike, message: str) -> Path:
    """Write ``out/index.html`` saying the folder cannot be shown, and why."""
    return write_payload(out, error_payload(message))


__all__ = ["PAGE", "FolderProblem", "render", "write_error_page", "write_page", "write_payload"]
