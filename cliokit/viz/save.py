"""Writing charts to files (PNG, SVG, self-contained HTML) with vl-convert: no browser, no network."""

from __future__ import annotations

import functools
import html
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cliokit.errors import ConfigError

logger = logging.getLogger(__name__)

#: No request leaves a page built here: scripts and styles are inline, images are data URLs.
#: Vega compiles its expressions with ``Function``, hence ``'unsafe-eval'``.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
FORMATS = (".png", ".svg", ".html", ".json")
_GLOBALS = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
_EMBED = """
(function () {
  var opts = {renderer: "svg", actions: false};
  document.querySelectorAll("script[data-vega-target]").forEach(function (el) {
    var target = document.getElementById(el.getAttribute("data-vega-target"));
    vegaEmbed(target, JSON.parse(el.textContent), opts).catch(function (err) {
      target.textContent = "This chart could not be drawn: " + err;
    });
  });
})();
"""


def vegalite_version() -> str | None:
    """The Vega-Lite ``MAJOR.MINOR`` altair writes, if vl-convert has it (else its default)."""
    import altair as alt
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return version if version in vlc.get_vegalite_versions() else None


@functools.lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one inline script (about 0.9 MB), built once per process."""
    import vl_convert as vlc

    bundle: str = vlc.javascript_bundle(_GLOBALS, vl_version=vegalite_version())
    return bundle.replace("</script", "<\\/script")


def script_json(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element (``<``, ``>``, ``&`` and line separators escaped)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def spec_script(target: str, spec: Mapping[str, Any]) -> str:
    """A JSON ``<script>`` holding ``spec``, drawn into the element with id ``target`` by the page."""
    return (
        f'<script type="application/json" data-vega-target="{html.escape(target)}">'
        f"{script_json(dict(spec))}</script>"
    )


def page(title: str, body: str, css: str = "") -> str:
    """A self-contained HTML page: ``body`` (trusted HTML) plus the inline Vega bundle.

    Charts are drawn from the :func:`spec_script` elements in ``body``. The page loads nothing
    from the network (a Content-Security-Policy forbids it).
    """
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n"
        f"<script>{javascript_bundle()}</script>\n</head>\n<body>\n{body}\n"
        f"<script>{_EMBED}</script>\n</body>\n</html>\n"
    )


def chart_html(chart: Any, title: str = "cliokit chart") -> str:
    """``chart`` as a self-contained HTML page (Vega JavaScript inline, no CDN)."""
    body = f'<div id="chart"></div>\n{spec_script("chart", chart.to_dict())}'
    return page(title, body, "body{font-family:system-ui,sans-serif;margin:16px}")


def save_chart(chart: Any, path: str | os.PathLike[str], scale: float = 2.0) -> Path:
    """Write ``chart`` to ``path``, the format taken from its suffix; returns the path.

    Parameters
    ----------
    chart : altair chart
    path : str or PathLike
        ``.png`` (rendered at ``scale``), ``.svg``, ``.html`` (self-contained: Vega, Vega-Lite and
        vega-embed inline, so it opens offline; altair's own ``chart.save("x.html")`` loads them
        from a CDN) or ``.json`` (the Vega-Lite spec).
    scale : float, default=2.0
        Pixel ratio of PNG output.

    Returns
    -------
    Path

    Raises
    ------
    ConfigError
        For another suffix.
    OutputError
        When ``path`` cannot be written; it is written atomically, so no partial file is left.

    Notes
    -----
    Rendering runs headless in vl-convert's embedded JavaScript engine: no browser needed.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(f"`path` must end in one of {', '.join(FORMATS)}; got {out.name!r}")
    import vl_convert as vlc

    from cliokit.rundir import write_bytes, write_text  # pandas: kept out of this module's import

    spec = chart.to_dict()
    version = vegalite_version()
    if suffix == ".png":
        write_bytes(vlc.vegalite_to_png(spec, vl_version=version, scale=scale), out)
    elif suffix == ".svg":
        write_text(vlc.vegalite_to_svg(spec, vl_version=version), out)
    elif suffix == ".html":
        write_text(chart_html(chart, title=out.stem), out)
    else:
        write_text(json.dumps(spec, indent=1, ensure_ascii=False), out)
    logger.info("saved %s", out)
    return out
