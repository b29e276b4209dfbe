"""The static HTML report, its rendering in headless Chromium, and the local viewer."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from dataclasses import replace

import pytest

from cliokit import viz
from cliokit.cli import main
from cliokit.errors import ConfigError
from cliokit.viz.save import javascript_bundle

from .test_viz import CANARIES, MARKUP_NAME, leaks, rare_language, scripted_run

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
)
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = scripted_run(tmp_path_factory.mktemp("report") / "run")
    names = set(result.clusters["name"].dropna())
    assert any(MARKUP_NAME in n for n in names)  # passed the audit, so the report shows it
    return result


@pytest.fixture(scope="module")
def report(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "report.html"
    assert main(["-q", "report", str(run.run_dir), "--out", str(out)]) == 0
    return out


def test_cli_writes_one_self_contained_file(report):
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 500_000 < len(text) < 3_000_000
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I)
    assert "https://cdn" not in text and "<link" not in text.lower()
    assert "default-src 'none'" in text  # the page may not load anything


def test_report_holds_no_suppressed_or_private_text(run, report):
    # the inline Vega bundle is vl-convert's code, not run data
    text = report.read_text(encoding="utf-8").replace(javascript_bundle(), "")
    assert not leaks(text, run)
    assert "1 suppressed cluster" in text  # counted, unnamed


def test_report_escapes_run_text(report):
    text = report.read_text(encoding="utf-8")
    assert html.escape(MARKUP_NAME) in text
    assert MARKUP_NAME not in text and "<b>Fish" not in text


def test_report_tree_and_summary(run, report):
    text = report.read_text(encoding="utf-8")
    visible = run.visible_clusters()
    assert text.count('<details class="cluster"') == len(visible)
    for cid in visible["cluster_id"]:
        assert f'data-cluster-id="{cid}"' in text
    for cid in set(run.clusters.loc[run.clusters["suppressed"], "cluster_id"]):
        assert f'data-cluster-id="{cid}"' not in text
    assert "160 read, 160 accepted, 0 rejected" in text
    assert "backend scripted" in text and 'id="heuristic"' not in text
    for section in ('id="map"', 'id="tree"', 'id="shares"', 'id="concerning"', 'id="languages"'):
        assert section in text


def test_heuristic_runs_say_so(run):
    manifest = run.manifest.model_copy(
        update={"backend": {**run.manifest.backend, "heuristic": True, "name": "offline"}}
    )
    text = viz.build_report(replace(run, manifest=manifest), include_map=False)
    assert 'id="heuristic"' in text and "offline heuristics" in text
    assert '"path"' not in text.replace(javascript_bundle(), "")  # no map points without the map


def test_report_warns_when_the_privacy_floor_was_overridden(run, report):
    assert 'id="privacy-floor"' not in report.read_text(encoding="utf-8")
    m = run.manifest
    config = {**m.config, "privacy": {**m.config["privacy"], "unsafe_allow_below_floor": True}}
    resolved = {**m.resolved, "privacy": {"min_conversations": 1, "min_users": 1}}
    manifest = m.model_copy(update={"config": config, "resolved": resolved})
    text = viz.build_report(replace(run, manifest=manifest), include_map=False)
    assert text.count('id="privacy-floor"') == 1 and 'class="banner unsafe"' in text
    assert "as few as 1 conversations and 1 unique users" in text


def test_report_says_what_the_map_axes_span(run, report):
    text = report.read_text(encoding="utf-8")
    assert '<p id="map-outside">The axes span all 160 conversations.</p>' in text
    proj = run.projection.astype({"x": float, "y": float})
    far = proj.index[:4]  # 2.5% of the conversations, far off
    proj.loc[far, "x"] = proj["x"].max() + 100 * (proj["x"].max() - proj["x"].min())
    text = viz.build_report(replace(run, projection=proj))
    note = re.search(r'<p id="map-outside">(.*?)</p>', text, re.S)
    assert note and "4 of 160 conversations (2.5%) lie far outside the rest" in note.group(1)
    assert "4 of 160 conversations (2.5%) lie far outside the rest: drawn as triangles" in text  # map


def test_report_language_figure_ranks_with_enough_conversations():
    text = viz.build_report(rare_language())  # 0-0: 10 conversations, 8 en and 2 de
    note = re.search(r'<p id="languages-note">(.*?)</p>', text, re.S)
    assert note and "at least 10 conversations, of which at least 5 in the language" in note.group(1)
    assert "\\u003e= 5 in the language" in text  # the figure's subtitle (">" escaped)
    assert '"text": "1.3× (8 of 10)"' in text  # ratio and counts beside the bar
    assert "(2 of 10)" not in text  # 2 German conversations are too few to rank


def test_report_renders_in_headless_chromium(run, report, tmp_path):
    if CHROMIUM is None:
        pytest.skip("no chromium binary found (looked for chromium, chromium-browser, google-chrome)")
    url = report.resolve().as_uri()
    dom = subprocess.run(
        [CHROMIUM, *HEADLESS, "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    for target in ("map", "shares", "concerning"):
        m = re.search(rf'<div id="{target}" class="chart vega-embed"[^>]*>(.*?)</div>', dom, re.S)
        assert m, f"{target} was not drawn by vega-embed"
        assert "<svg" in m.group(1) and "could not be drawn" not in m.group(1)
    assert "<details" in dom
    names = viz.cluster_table(run)["label"]
    assert all(html.escape(n) in dom for n in names)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            CHROMIUM,
            *HEADLESS,
            "--virtual-time-budget=10000",
            "--window-size=1280,1600",
            f"--screenshot={shot}",
            url,
        ],
        capture_output=True,
        timeout=90,
        check=True,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000


def _get(url, host=None):
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (a local test server)
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, None, b""


def test_serve_on_loopback_only(run):
    server = viz.make_server(run.run_dir, port=0, include_map=False)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        status, ctype, body = _get(base + "/")
        assert status == 200 and ctype.startswith("text/html") and b"cliokit report" in body
        status, ctype, body = _get(base + "/export/clusters.csv")
        assert status == 200 and ctype.startswith("text/csv")
        assert not any(c.encode() in body for c in CANARIES)
        assert _get(base + "/export/")[0] == 200
        assert _get(base + "/../manifest.json")[0] == 404
        assert _get(base + "/facets.parquet")[0] == 404
        assert _get(base + "/", host="evil.example:80")[0] == 421  # DNS-rebinding guard
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    for bad in ("0.0.0.0", "::", "192.168.1.10", ""):
        with pytest.raises(ConfigError, match="127.0.0.1"):
            viz.make_server(run, host=bad, port=0)


def test_serve_cli_refuses_other_hosts_and_exits_130_on_ctrl_c(run, monkeypatch):
    assert main(["-q", "serve", str(run.run_dir), "--host", "0.0.0.0", "--port", "0"]) == 1

    def interrupted(self, poll_interval=0.5):
        raise KeyboardInterrupt

    monkeypatch.setattr("cliokit.viz.serve.ThreadingHTTPServer.serve_forever", interrupted)
    assert main(["-q", "serve", str(run.run_dir), "--port", "0", "--max-points", "100"]) == 130
