"""Every notebook in notebooks/ runs top to bottom, and is committed without outputs.

The notebooks share one what-if cache (ROSTER_WHATIF_CACHE) so the sample week is solved
once for all of them. Marked slow: together they solve about twenty scenarios of the
60-agent sample week (a few minutes on 2 cores).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_five_notebooks_without_outputs() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_weekly_planning.ipynb", "02_double11_sizing.ipynb",
        "03_service_target_frontier.ipynb", "04_hiring_plan.ipynb",
        "05_supervisor_week.ipynb"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("whatif-cache")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, shared_cache: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_WHATIF_CACHE", str(shared_cache))
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    printed = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream"]
    assert printed, "the conclusion cell printed nothing"
