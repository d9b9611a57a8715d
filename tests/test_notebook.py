"""notebooks/summits.ipynb runs headless on the seeds' exports and draws its three figures."""
from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.cli import main
from pipeline.settings import PROJECT_ROOT

NOTEBOOKS = PROJECT_ROOT / "notebooks"
FIGURES = ("summit_timeline", "attendance_heatmap", "quotes_per_leader")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_ipynb_matches_the_percent_script():
    script = jupytext.read(NOTEBOOKS / "summits.py")
    notebook = nbformat.read(NOTEBOOKS / "summits.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in notebook.cells] == [(c.cell_type, c.source) for c in script.cells]
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")  # committed clean


@pytest.fixture(scope="module")
def seeds_exports(tmp_path_factory) -> Path:
    """`summit-etl run` on the seeds, in-process, with its Dagster home and outputs in tmp."""
    root = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        assert main(["run", "--input", str(PROJECT_ROOT / "seeds" / "documents"),
                     "--warehouse", str(root / "wh.duckdb"), "--exports", str(root / "exports")]) == 0
    return root / "exports"


def test_notebook_draws_the_three_figures(seeds_exports, tmp_path, monkeypatch):
    output = tmp_path / "figures"
    monkeypatch.setenv("SUMMIT_ETL_EXPORTS", str(seeds_exports))
    monkeypatch.setenv("SUMMIT_ETL_NOTEBOOK_OUTPUT", str(output))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend shows the figures
    notebook = nbformat.read(NOTEBOOKS / "summits.ipynb", as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()

    for name in FIGURES:
        png = output / f"{name}.png"
        assert png.is_file(), name
        data = png.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, (name, len(data))
    images = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "display_data" and "image/png" in out.get("data", {})]
    assert len(images) == len(FIGURES)
    text = "\n".join(out.get("data", {}).get("text/plain", "") for cell in notebook.cells
                     if cell.cell_type == "code" for out in cell.outputs)
    assert "Vladimir Putin" in text and "SCO Samarkand" in text
