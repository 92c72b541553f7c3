"""Compile the gettext catalogues while the package is built or installed.

Pure Python (polib), so a machine without GNU gettext can still install.
"""

from pathlib import Path
from typing import Any

import polib
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        locale = Path(self.root) / "src" / "flexwatch" / "locale"
        for po_path in locale.glob("*/LC_MESSAGES/*.po"):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
