"""Golden diff tables (tests/monitor/golden/diff.yaml): every edit and number the diff must
report, and nothing else."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.diff import diff_texts
from monitor.folding import display_form
from monitor.outlets import match_texts

GOLDEN = Path(__file__).parent / "golden" / "diff.yaml"
SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "samples"


@cache
def golden() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    return data


def seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def text(spec: str | dict[str, Any]) -> str:
    if isinstance(spec, str):
        return spec
    out = seed(spec["seed"])
    if spec.get("simplified"):
        out = display_form(out)
    for old, new in spec.get("replace", []):
        assert out.count(old) == 1, f"{old!r} must occur once in seed {spec['seed']}"
        out = out.replace(old, new)
    return out


def cases(section: str) -> list[Any]:
    return [pytest.param(case, id=case["id"]) for case in golden()[section]]


@pytest.mark.parametrize("case", cases("diffs"))
def test_diff(case: dict[str, Any]) -> None:
    diff = diff_texts(text(case["old"]), text(case["new"]))
    edits = [list(edit) for edit in diff.edits()]
    numbers = [[n.context, n.before, n.after] for n in diff.numbers]
    if case.get("unchanged"):
        assert edits == []
        assert not diff.changed and diff.similarity == 1.0
        return
    assert edits == case["edits"]
    assert numbers == case.get("numbers", [])
    assert 0 < diff.similarity < 1


@pytest.mark.parametrize("case", cases("outlets"))
def test_outlets(case: dict[str, Any]) -> None:
    match = match_texts(text(case["first"]), text(case["second"]))
    assert match.linked is case["linked"]
    if not case["linked"]:
        return
    passage = match.passage.paragraphs
    first, last = case["passage"]
    assert passage[0].new.startswith(first) and passage[-1].new.endswith(last)
    assert len(passage) == case["paragraphs"]
    assert [list(edit) for edit in match.passage.edits()] == case["edits"]
    assert match.similarity >= case["similarity_min"]


def test_every_case_has_a_unique_id() -> None:
    ids = [case["id"] for section in golden().values() for case in section]
    assert len(ids) == len(set(ids))
