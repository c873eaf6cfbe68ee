from __future__ import annotations

from pathlib import Path

import pytest

from roster.scenario_files import Scenario, load_scenario
from tests.scenarios.small import write_small


@pytest.fixture(scope="session")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small(tmp_path_factory.mktemp("small") / "scenario")


@pytest.fixture(scope="session")
def small(small_folder: Path) -> Scenario:
    return load_scenario(small_folder)
