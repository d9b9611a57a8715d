"""Run settings, resolved once from the environment with safe local defaults."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Where derived data that is dear to rebuild and cheap to keep is cached between processes
    (``SUMMIT_ETL_CACHE``, else ``$XDG_CACHE_HOME/summit-etl``, else ``~/.cache/summit-etl``).
    Everything in it can be deleted at any time."""
    env = os.environ
    if env.get("SUMMIT_ETL_CACHE"):
        return Path(env["SUMMIT_ETL_CACHE"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "summit-etl"
    try:
        return Path.home() / ".cache" / "summit-etl"
    except (RuntimeError, KeyError):  # no home folder (a bare service account)
        return Path(tempfile.gettempdir()) / "summit-etl-cache"


@dataclass(frozen=True)
class Settings:
    input_dir: Path
    warehouse_path: Path
    exports_dir: Path

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            input_dir=Path(env.get("SUMMIT_ETL_INPUT", PROJECT_ROOT / "seeds" / "documents")),
            warehouse_path=Path(env.get("SUMMIT_ETL_WAREHOUSE", PROJECT_ROOT / "data" / "warehouse.duckdb")),
            exports_dir=Path(env.get("SUMMIT_ETL_EXPORTS", PROJECT_ROOT / "data" / "exports")),
        )

    def with_overrides(self, input_dir: str | Path | None = None,
                       warehouse_path: str | Path | None = None,
                       exports_dir: str | Path | None = None) -> "Settings":
        return replace(
            self,
            input_dir=Path(input_dir) if input_dir else self.input_dir,
            warehouse_path=Path(warehouse_path) if warehouse_path else self.warehouse_path,
            exports_dir=Path(exports_dir) if exports_dir else self.exports_dir,
        )
