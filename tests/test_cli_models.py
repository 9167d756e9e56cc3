"""`cnncourse models` and `cnncourse params`: the registry's totals and explanations on the CLI."""

import json
import os
import subprocess
import sys

import pytest

from cnncourse.cli import main

PUBLISHED = {
    "hw9_q3": 665_317,
    "hw9_mlp": 563_082,
    "hw9_cnn": 1_341_226,
    "project_cifar10": 592_169,
    "project_stl10": 38_124_937,
}


FIELDS = {
    "name",
    "description",
    "source",
    "input_shape",
    "total_params",
    "trainable_params",
    "non_trainable_params",
    "published_total",
}


def _json_rows(capsys, *names) -> dict:
    assert main(["models", "--json", *names]) == 0
    return {row["name"]: row for row in json.loads(capsys.readouterr().out)}


def test_models_json_shows_the_published_totals(capsys):
    rows = _json_rows(capsys, *PUBLISHED, "cs577_vgg16_frozen", "cs577_vgg16_finetune")
    assert list(rows) == [*PUBLISHED, "cs577_vgg16_frozen", "cs577_vgg16_finetune"]
    for name, total in PUBLISHED.items():
        assert rows[name]["total_params"] == total
        assert rows[name]["published_total"] == total
    assert rows["project_stl10"]["non_trainable_params"] == 1_408
    assert rows["project_cifar10"]["trainable_params"] == 591_657
    for row in rows.values():
        assert set(row) == FIELDS
        assert row["trainable_params"] + row["non_trainable_params"] == row["total_params"]
    assert rows["cs577_vgg16_frozen"]["published_total"] is None
    assert (
        rows["cs577_vgg16_frozen"]["trainable_params"]
        < rows["cs577_vgg16_finetune"]["trainable_params"]
    )


@pytest.mark.slow
def test_models_json_lists_every_network(capsys):
    rows = _json_rows(capsys)
    assert len(rows) == 23
    assert {name: rows[name]["total_params"] for name in PUBLISHED} == PUBLISHED
    assert [rows[f"transfer_efficientnetb{i}"]["input_shape"][0] for i in range(8)] == [
        224,
        240,
        260,
        300,
        380,
        456,
        528,
        600,
    ]


def test_models_table_for_some_names(capsys):
    assert main(["models", "hw9_q3", "project_stl10"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "input", "total"]
    assert len(lines) == 4
    assert "665,317" in lines[2] and "38,124,937" in lines[3]
    assert "DIFFERS" not in out


def test_params_explains_hw9_q3(capsys):
    assert main(["params", "hw9_q3"]) == 0
    out = capsys.readouterr().out
    assert "5x5 kernel x 16 input channels x 32 filters + 32 biases = 12,832" in out
    assert "Dense: 123,008 inputs x 5 units + 5 biases = 615,045" in out
    assert "'valid' 3x3 pool, stride 2: floor((64-3)/2)+1 = 31" in out
    assert "Published total 665,317: matches Keras' count 665,317." in out


def test_an_unknown_name_is_a_clear_error(capsys):
    assert main(["models", "hw9_q3", "resnet"]) == 2
    captured = capsys.readouterr()
    assert "unknown network 'resnet'" in captured.err and captured.out == ""
    assert main(["params", "resnet"]) == 2


def test_the_command_prints_pure_json_on_stdout(repo):
    environment = dict(os.environ, CNNCOURSE_PROFILE="tiny")
    result = subprocess.run(
        [sys.executable, "-m", "cnncourse", "models", "--json", "hw9_cnn"],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["total_params"] == 1_341_226
