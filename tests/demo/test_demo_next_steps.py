"""The demo's "Next:" lines name govwatch as the user can run it: ``govwatch`` with the virtual
environment active, ``.venv/bin/govwatch`` right after ``make demo`` without it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from monitor.demo.run import _command

SCRIPT = Path(sys.executable).with_name("govwatch")


@pytest.mark.skipif(not SCRIPT.exists(), reason="tests not run from govwatch's environment")
def test_next_steps_name_the_command_the_user_can_run(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    checkout = SCRIPT.parent.parent.parent        # <checkout>/.venv/bin/govwatch
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.chdir(checkout)
    assert _command() == str(SCRIPT.relative_to(checkout))
    monkeypatch.chdir(tmp_path)
    assert _command() == str(SCRIPT)
    monkeypatch.setattr(shutil, "which", lambda name: str(SCRIPT))
    assert _command() == "govwatch"
