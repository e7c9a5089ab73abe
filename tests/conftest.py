from __future__ import annotations

from pathlib import Path

import pytest
from paths import SEEDS, SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data beside the repository; tests that need it fail loudly when it is absent."""
    if not SEEDS.is_dir():
        pytest.fail(f"{SHARED} is missing: the seed and corpus tests need ../shared beside the repo")
    return SHARED
