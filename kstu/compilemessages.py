"""Compile every ``locale/*/LC_MESSAGES/*.po`` into ``.mo`` without GNU gettext.

``make run``, ``make test`` and the Docker build call this, so the compiled catalogues are
never committed and never stale. (Django's own ``compilemessages`` needs ``msgfmt``.)
"""

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def compile_all(root: Path = BASE_DIR) -> int:
    count = 0
    for po_path in sorted(root.glob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all()
    print(f"compiled {compiled} message catalogue(s)")
    sys.exit(0)
