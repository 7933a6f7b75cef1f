"""GraphiQL in development mode, also on a machine without internet.

strawberry's GraphiQL page loads React, GraphiQL and its explorer plugin from a
public CDN (pinned versions, with SRI hashes) and has no option to serve them
itself, so offline it stays blank at "Loading...". Here:

- ``graphfeed graphiql-assets`` downloads exactly the pinned packages with
  ``npm pack`` (the npm registry) into ``GRAPHFEED_API_GRAPHIQL_ASSETS``
  (default ``./var/graphiql``) and the server then serves them itself under
  ``/graphiql-assets/``: the same bytes, so the SRI hashes still hold;
- without them, the page says why it is blank and what to do instead.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import tarfile
import tempfile
from functools import cache
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS_ROUTE = "/graphiql-assets/"
_CDN_URL = re.compile(r'(?:src|href)="(https://[^/"]+/)([^"]+)"')
_INTEGRITY = re.compile(r'(?:src|href)="https://[^/"]+/([^"]+)"\s+integrity="sha384-([^"]+)"')
_SPEC = re.compile(r"^((?:@[^/]+/)?[^/@]+)@([^/]+)/(.+)$")  # name@version/path

_NOTICE = """
    <script>
      if (typeof GraphiQL === "undefined") {
        document.getElementById("graphiql").innerText =
          "GraphiQL could not load its scripts from the CDN (no internet?). " +
          "Run `graphfeed graphiql-assets` once and restart `graphfeed serve` to serve " +
          "them locally, or POST queries to /graphql with any GraphQL client.";
      }
    </script>
  </body>"""


@cache
def _cdn_html() -> str:
    return get_graphql_ide_html(graphql_ide="graphiql")


def cdn_files() -> list[tuple[str, str, str]]:
    """The (package, version, path in package) of every script and stylesheet of the page."""
    out = []
    for _, spec in _CDN_URL.findall(_cdn_html()):
        match = _SPEC.match(spec)
        if match:
            out.append((match.group(1), match.group(2), match.group(3)))
    return out


def assets_complete(root: Path | None) -> bool:
    return root is not None and all(
        (root / f"{name}@{version}" / path).is_file() for name, version, path in cdn_files())


def graphiql_html(root: Path | None = None) -> str:
    html = _cdn_html()
    if assets_complete(root):
        return _CDN_URL.sub(lambda m: m.group(0).replace(m.group(1), ASSETS_ROUTE), html)
    return html.replace("\n  </body>", _NOTICE, 1)


def integrity_mismatches(root: Path) -> list[str]:
    """Files whose bytes differ from the page's SRI hash (the browser would refuse them)."""
    bad = []
    for spec, expected in _INTEGRITY.findall(_cdn_html()):
        path = root / spec
        digest = base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode() \
            if path.is_file() else None
        if digest != expected:
            bad.append(spec)
    return bad


def fetch_assets(root: Path, npm: str = "npm") -> list[str]:
    """Download the page's pinned packages with ``npm pack``; returns ``name@version``s."""
    if shutil.which(npm) is None:
        raise RuntimeError("npm is not on PATH: install Node.js (npm) to fetch GraphiQL")
    packages = sorted({(name, version) for name, version, _ in cdn_files()})
    root.mkdir(parents=True, exist_ok=True)
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version in packages:
            spec = f"{name}@{version}"
            proc = subprocess.run([npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                                  capture_output=True, text=True, check=False, timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"npm pack {spec} failed: {proc.stderr.strip()[-500:]}")
            tarball = Path(tmp) / proc.stdout.strip().splitlines()[-1]
            target = root / spec
            with tarfile.open(tarball) as tar:
                members = [m for m in tar.getmembers()
                           if m.isfile() and m.name.startswith("package/")]
                for member in members:
                    member.name = member.name.removeprefix("package/")
                tar.extractall(target, members=members, filter="data")
            done.append(spec)
    bad = integrity_mismatches(root)
    if bad:
        raise RuntimeError(f"downloaded files do not match the page's SRI hashes: {bad}")
    return done
