"""The command line under hostile input: one clear line and the right exit status, checks
made before any long work, and a run record that says what actually trained."""

from __future__ import annotations

import argparse
import json
import os
import stat
from pathlib import Path

import pytest

from comparison import cli
from comparison.cli import main
from comparison.experiments.harness import runner


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``python -m comparison ARGV``, in this process."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def train_args(folder: Path, *extra: str) -> list[str]:
    return ["train", "--data", str(folder), "--epochs", "1", "--train-size", "20",
            "--device", "cpu", *extra]


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if any data is loaded, any network trained or any experiment run: the
    command must stop on its checks first."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the command did work before checking its input")

    for name in ("load_dataset", "train"):
        monkeypatch.setattr(cli, name, forbidden)
    monkeypatch.setattr(runner, "run_experiments", forbidden)


@pytest.mark.parametrize(("extra", "hidden", "eta"), [
    (["--variant", "two-hidden"], [100, 100], 3.0),  # the variant's own layers
    (["--variant", "two-hidden", "--hidden", "20", "10"], [20, 10], 3.0),  # the user wins
    (["--variant", "relu"], [30], 0.1),
    (["--variant", "relu", "--eta", "3"], [30], 3.0),  # even when it equals the default
    ([], [30], 3.0),
])
def test_a_variant_trains_with_its_own_settings_unless_told_otherwise(tiny, tmp_path, capsys,
                                                                       extra, hidden, eta):
    out = tmp_path / "run.json"
    code, printed, _ = run_cli(train_args(tiny[0], "--out", str(out), *extra), capsys)
    assert code == 0
    config = json.loads(out.read_text())["config"]
    assert (config["hidden"], config["eta"]) == (hidden, eta)
    assert f"784-{'-'.join(map(str, hidden))}-10" in printed


def test_the_softmax_variant_refuses_another_cost_and_records_its_own(tiny, tmp_path, capsys):
    out = tmp_path / "run.json"
    code, _, err = run_cli(train_args(tiny[0], "--variant", "softmax", "--cost", "quadratic",
                                      "--out", str(out)), capsys)
    assert code == 2 and "trains with its own cost (log-likelihood); leave out --cost" in err
    assert not out.exists()
    code, _, _ = run_cli(train_args(tiny[0], "--variant", "softmax", "--out", str(out)), capsys)
    assert code == 0 and json.loads(out.read_text())["config"]["cost"] == "log-likelihood"


@pytest.mark.parametrize("extra", [["--eta", "1000", "--cost", "cross-entropy"],
                                   ["--eta", "1000", "--variant", "softmax"]])
def test_a_diverged_run_is_one_line_and_writes_nothing(tiny, tmp_path, capsys, extra):
    out = tmp_path / "run.json"
    code, _, err = run_cli(train_args(tiny[0], "--out", str(out), *extra), capsys)
    assert code == 1
    assert last_line(err).startswith("error: the validation cost became inf")
    assert "Traceback" not in err and "RuntimeWarning" not in err
    assert not out.exists()


def test_a_record_with_nan_is_never_written(tmp_path):
    with pytest.raises(cli.CommandError, match="NaN or infinite"):
        cli.write_record(tmp_path / "run.json", {"validation_cost": float("inf")})
    assert list(tmp_path.iterdir()) == []


BAD_OPTIONS = [
    (["--device", "tpu"], "unknown device 'tpu'"),
    (["--seed", "-1"], "'-1' is not a valid seed"),
    (["--seed", "1e23"], "'1e23' is not a valid seed"),
    (["--seed", str(2**32)], "is not a valid seed"),
    (["--seed", "9" * 5000], "is not a valid seed"),
]


@pytest.mark.parametrize("command", ["train", "run", "report"])
@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS)
def test_bad_options_are_usage_errors(command, args, message, capsys, no_work):
    code, _, err = run_cli([command, *args], capsys)
    assert code == 2
    assert message in last_line(err) and "error: argument" in last_line(err)


@pytest.mark.parametrize(("args", "message"), [
    (["--eta", "nan"], "is not a finite number > 0"),
    (["--eta", "inf"], "is not a finite number > 0"),
    (["--eta", "0"], "is not a finite number > 0"),
    (["--lmbda", "-1"], "is not a finite number >= 0"),
    (["--hidden", "30", "100000"], "at most 10,000"),
    (["--epochs", "0"], "at least 1"),
    (["--train-size", "1e3"], "at least 1"),
    (["--impl", "scratch", "--per-example", "--impl", "torch"], "reference path only"),
])
def test_bad_training_options_are_usage_errors(args, message, capsys, no_work):
    code, _, err = run_cli(["train", *args], capsys)
    assert code == 2 and message in last_line(err)


def special_file(folder: Path, kind: str) -> Path:
    """A path of the given kind, made in ``folder``; skips where this user cannot make it."""
    path = folder / kind
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "device":  # a copy of /dev/null's node: the real one is never put at risk
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    elif kind == "link":
        os.mkfifo(folder / "target")
        path.symlink_to(folder / "target")
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("folder", "is a folder, not a regular file"),
    ("pipe", "is a named pipe, not a regular file"),
    ("device", "is a character device, not a regular file"),
    ("link", "is a named pipe, not a regular file"),
])
def test_an_out_that_is_not_a_regular_file_is_refused_before_training(
        tmp_path, capsys, no_work, kind, message):
    out = special_file(tmp_path, kind)
    before = out.lstat()
    code, _, err = run_cli(["train", "--out", str(out)], capsys)
    assert code == 2 and message in last_line(err)
    after = out.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # untouched


def test_an_out_under_a_file_empty_or_unwritable_is_refused_before_training(
        tmp_path, capsys, no_work, monkeypatch):
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli(["train", "--out", str(tmp_path / "file" / "run.json")], capsys)
    assert code == 2 and "lies under" in last_line(err) and "regular file" in last_line(err)
    code, _, err = run_cli(["train", "--out", ""], capsys)
    assert code == 2 and "the path is empty" in last_line(err)
    # Tests run as root, who may write anywhere: take this user's view from os.access.
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked)
    code, _, err = run_cli(["train", "--out", str(locked / "run.json")], capsys)
    assert code == 2 and "is not writable by this user" in last_line(err)


def test_the_default_out_is_checked_too(tmp_path, capsys, no_work, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("results").write_text("not a folder")
    code, _, err = run_cli(["train"], capsys)
    assert code == 2 and "lies under results, which is a regular file" in last_line(err)


@pytest.mark.parametrize("command", ["run", "figures", "report"])
def test_a_results_folder_that_is_a_file_is_refused_before_running(
        tmp_path, capsys, no_work, monkeypatch, command):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("NN_COMPARE_RESULTS", str(tmp_path / "file"))
    code, _, err = run_cli([command], capsys)
    assert code == 2
    assert "$NN_COMPARE_RESULTS" in last_line(err) and "not a folder" in last_line(err)
    code, _, err = run_cli([command, "--results", str(tmp_path / "file" / "sub")], capsys)
    assert code == 2 and "--results" in last_line(err) and "lies under" in last_line(err)


def test_figures_skips_damaged_results_naming_each(tmp_path, capsys):
    (tmp_path / "book.json").write_text("null")
    (tmp_path / "speed.json").write_bytes(b"\xff\xfe")
    code, out, err = run_cli(["figures", "--results", str(tmp_path)], capsys)
    assert code == 0 and not err
    assert f"skipped: {tmp_path / 'book.json'} holds null" in out
    assert f"skipped: {tmp_path / 'speed.json'} is not UTF-8" in out
    assert "re-run it" in out


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in cli.build_parser()._actions
                  if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["train", "run", "figures", "report"])
def test_help_shows_every_option_with_its_default(command):
    parser = subcommands()[command]
    formatter = parser._get_formatter()
    for action in parser._actions:
        if action.dest == "help":
            continue
        assert action.help, action.option_strings
        assert "default" in formatter._get_help_string(action), action.option_strings
    text = parser.format_help()
    assert "(default: None)" not in text
    if command == "train":
        assert "learning rate (default: 3.0)" in " ".join(text.split())
        assert "two-hidden: --hidden 100 100" in " ".join(text.split())
