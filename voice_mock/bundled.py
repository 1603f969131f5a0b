"""Where the bundled question banks and sample answers are.

The repo keeps them in its top-level `prompts/` and `samples/` folders, the
one copy that is edited. The package reaches them through
`voice_mock/_bundled/`: in the repo its entries are symlinks to those
folders, and a built wheel holds real copies there (pyproject's
`package-data`; setuptools follows the links), so an editable install, `pip
install .` and `pipx install .` all find them at the same place, from any
working folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The bundled folder `name` ("prompts" or "samples"), links resolved."""
    inside = PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside.resolve()
    # A checkout made without symlinks (git's core.symlinks=false) still has the folder beside the package.
    return PACKAGE.parent / name


PROMPTS = bundled("prompts")
SAMPLES = bundled("samples")
