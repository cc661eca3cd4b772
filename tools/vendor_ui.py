"""Vendor the UI kit into dangvu/web/static/web/vendor/ from packages fetched from the npm registry.

    cd /tmp && npm pack bootstrap@5.3.9 bootstrap-icons@1.13.2
    mkdir bs bi && tar xzf bootstrap-5.3.9.tgz -C bs && tar xzf bootstrap-icons-1.13.2.tgz -C bi
    python tools/vendor_ui.py /tmp/bs/package /tmp/bi/package

What it writes (see dangvu/web/static/web/vendor/VENDORED.md):
* Bootstrap's JS bundle (with Popper) and its licence, unchanged;
* ``bootstrap.csp.min.css``: Bootstrap's minified CSS with the pictures it draws from ``data:`` URIs
  (select arrows, check marks, the close button, validation icons) written to ``images/`` and referred
  to by URL. A Content-Security-Policy of ``default-src 'self'`` refuses ``data:`` images; the browser
  fetches the same pictures from our own origin instead. Nothing else in the file changes;
* ``icons.svg``: one sprite of the Bootstrap Icons the templates use (``{% icon "bell" %}``).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.parse
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "dangvu" / "web" / "static" / "web" / "vendor"

# Every icon a template names; add one here and run the script again.
ICONS = (
    "arrow-down-up",
    "bar-chart-line",
    "bell",
    "box-arrow-right",
    "calendar-event",
    "calendar3",
    "caret-down-fill",
    "caret-up-fill",
    "check2-square",
    "chevron-left",
    "chevron-right",
    "clipboard-check",
    "dash-square",
    "diagram-3",
    "download",
    "exclamation-triangle-fill",
    "file-earmark-arrow-up",
    "file-earmark-spreadsheet",
    "filter",
    "gear",
    "grid-3x3-gap",
    "house",
    "inbox",
    "info-circle",
    "journal-text",
    "key",
    "layout-three-columns",
    "list",
    "pencil",
    "people",
    "person-circle",
    "plus-lg",
    "plus-square",
    "printer",
    "search",
    "shield-lock",
    "star-fill",
    "three-dots-vertical",
    "translate",
    "trash",
    "x-lg",
)


def copy_bootstrap(package: Path) -> Path:
    version = json.loads((package / "package.json").read_text())["version"]
    target = OUT / f"bootstrap-{version}"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("js/bootstrap.bundle.min.js", "js/bootstrap.bundle.min.js.map"):
        shutil.copy(package / "dist" / name, target / Path(name).name)
    shutil.copy(package / "LICENSE", target / "LICENSE")
    write_csp_css(package / "dist" / "css" / "bootstrap.min.css", target)
    return target


def write_csp_css(css_file: Path, target: Path) -> None:
    """Bootstrap's minified CSS with each ``data:`` image written to a file beside it and referred to
    by URL (``images/bs-N.svg``); nothing else changes. Its source map no longer matches, so it goes."""
    css = css_file.read_text()
    images: dict[str, str] = {}

    def to_file(match: re.Match[str]) -> str:
        svg = urllib.parse.unquote(match.group(1))
        return f'url("images/{images.setdefault(svg, f"bs-{len(images) + 1}.svg")}")'

    css = re.sub(r'url\("data:image/svg\+xml,([^"]+)"\)', to_file, css)
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/\s*$", "", css)
    assert "data:" not in css
    (target / "images").mkdir(exist_ok=True)
    for svg, name in images.items():
        (target / "images" / name).write_text(svg + "\n")
    (target / "bootstrap.csp.min.css").write_text(css)


def build_sprite(package: Path) -> None:
    symbols = []
    for name in ICONS:
        svg = (package / "icons" / f"{name}.svg").read_text()
        view_box = re.search(r'viewBox="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
        inner = re.sub(r"^.*?<svg[^>]*>|</svg>\s*$", "", svg, flags=re.S).strip()
        symbols.append(f'<symbol id="{name}" viewBox="{view_box}">{inner}</symbol>')
    version = json.loads((package / "package.json").read_text())["version"]
    sprite = (
        f'<svg xmlns="http://www.w3.org/2000/svg"><!-- Bootstrap Icons {version} (MIT), '
        "a subset made by tools/vendor_ui.py -->\n" + "\n".join(symbols) + "\n</svg>\n"
    )
    (OUT / "icons.svg").write_text(sprite)
    shutil.copy(package / "LICENSE", OUT / "icons.LICENSE")


if __name__ == "__main__":
    copy_bootstrap(Path(sys.argv[1]))
    build_sprite(Path(sys.argv[2]))
