"""Property-based tests (Hypothesis): generated command lines and generated result files.

Bounded to well under a minute together: few examples each, no deadline per example (the
first one imports PyTorch), no example database written into the repository.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from comparison.cli import main
from comparison.report import site as site_module
from comparison.report.site import Site, SiteError
from comparison.results import store

# The tiny dataset fixture is made once per test, not per example: that is intended.
BOUNDED = dict(deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                      HealthCheck.too_slow])

HOSTILE = ["", " ", "nan", "inf", "-inf", "-1", "0", "1e23", "1e400", "0x10", "abc", "3.5",
           "4294967296", "100000", "9" * 400, "\x00", "é", "--", "<script>"]
# Free text without digits: a generated "99999999" epochs would be a long run, not a test.
NO_DIGITS = st.text(st.characters(exclude_categories=("Nd", "Cs")), max_size=6)
SMALL = st.integers(-2, 40).map(str)
LARGE = {"100000", "4294967296", "9" * 400}  # whole numbers far above any epoch count
VALUE = st.one_of(SMALL, st.sampled_from(HOSTILE), NO_DIGITS)
CHOICES = {
    "--impl": ["scratch", "torch", "jax"],  # keras: TensorFlow's import is too slow here
    "--dataset": ["mnist", "fashion-mnist", "cifar"],
    "--cost": ["quadratic", "cross-entropy", "log-likelihood"],
    "--init": ["large", "scaled", "zero"],
    "--dtype": ["float32", "float64", "float16"],
    "--device": ["cpu", "auto", "cuda", "cuda:0", "tpu"],
    "--variant": ["baseline", "relu", "softmax", "momentum", "dropout", "two-hidden", "conv",
                  "nope"],
    "--eta": ["3", "0.1", "1000", "1e308", "nan", "-1"],
    "--lmbda": ["0", "5", "-1", "inf", "1e308"],
}
OUTS = ["run.json", "sub/run.json"] * 3 + ["folder", "file/run.json", "", "pipe", "link", "device"]
FLAG = st.sampled_from(["--per-example", "--monitor-training", "--nope", "-h"])


def option() -> st.SearchStrategy[list[str]]:
    """One option with its value(s): a sensible one or a hostile one."""
    chosen = [st.tuples(st.just(name), st.one_of(*[st.sampled_from(values)] * 3, VALUE))
              for name, values in CHOICES.items()]
    counted = [st.tuples(st.just(name), st.one_of(*[st.integers(1, 40).map(str)] * 3, VALUE))
               for name in ("--batch-size", "--train-size", "--seed")]
    # A huge epoch count is valid and would run for hours (a drawn 4294967296 once hung the
    # suite): the epochs get every hostile value but the large whole numbers.
    epochs = st.tuples(st.just("--epochs"),
                       st.one_of(*[st.integers(1, 40).map(str)] * 3, SMALL, NO_DIGITS,
                                 st.sampled_from([v for v in HOSTILE if v not in LARGE])))
    hidden = st.lists(VALUE, min_size=1, max_size=3).map(lambda v: ["--hidden", *v])
    out = st.sampled_from(OUTS).map(lambda o: ["--out", o])
    data = st.sampled_from(["missing", "file", "empty"]).map(lambda d: ["--data", d])
    return st.one_of(*[s.map(list) for s in [*chosen, *counted, epochs]], hidden, out, data,
                     FLAG.map(lambda f: [f]))


def make_files(folder: Path) -> None:
    """The kinds of path ``--out`` and ``--data`` are given: a file, a folder, a pipe, a
    link to the pipe and (where this user may) a copy of /dev/null's device node."""
    (folder / "file").write_text("x")
    (folder / "folder").mkdir()
    (folder / "empty").mkdir()
    os.mkfifo(folder / "pipe")
    (folder / "link").symlink_to(folder / "pipe")
    with contextlib.suppress(PermissionError):
        os.mknod(folder / "device", stat.S_IFCHR | 0o666, os.makedev(1, 3))


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with its kind, inode and content: what a command changed."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        found[str(path.relative_to(folder))] = (info.st_mode, info.st_ino, content)
    return found


def strict_json(text: str) -> object:
    def refuse(constant: str):
        raise ValueError(f"{constant} in a run record")
    return json.loads(text, parse_constant=refuse)


@settings(max_examples=100, **BOUNDED)
@given(st.lists(option(), max_size=5).map(lambda options: sum(options, [])))
def test_train_never_crashes_and_writes_nothing_when_it_fails(tiny, options):
    folder, _ = tiny
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        make_files(Path(scratch))
        before = snapshot(Path(scratch))
        argv = ["train", "--data", str(folder), "--epochs", "1", "--train-size", "20",
                "--device", "cpu", *options]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code
        err_text = err.getvalue()
        event(f"exit status {code}")
        assert code in (0, 1, 2), (argv, code)
        assert "Traceback" not in err_text
        after = snapshot(Path(scratch))
        if code == 0:
            if "-h" in options:
                assert after == before
                return
            changed = [path for path in after if after[path] != before.get(path)]
            files = [path for path in changed if stat.S_ISREG(after[path][0])]
            assert all(stat.S_ISDIR(after[path][0]) for path in changed if path not in files)
            assert len(files) == 1 and files[0].endswith(".json"), (argv, changed)
            assert files[0] not in before  # a new file: nothing that was there was replaced
            strict_json((Path(scratch) / files[0]).read_text())
            return
        assert after == before, argv  # nothing written, nothing replaced
        lines = err_text.splitlines()  # progress bars first, then the message
        if code == 1:
            assert any(line.startswith("error: ") for line in lines), (argv, err_text)
        else:
            assert ": error: " in lines[-1], (argv, err_text)


SCRIPTY = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                           "[x](javascript:alert(1))", "<iframe src=x>", "`code`", "{: a=b }",
                           "<!-- result:value speed.x -->", "a|b", "\n\n# h"])
STRING = st.one_of(st.text(max_size=12), SCRIPTY)
NON_FINITE = st.sampled_from([float("nan"), float("inf"), -float("inf")])
LEAF = st.one_of(st.none(), st.booleans(), st.integers(), STRING,
                 st.floats(allow_nan=False, allow_infinity=False))


def json_values(leaf: st.SearchStrategy) -> st.SearchStrategy:
    """Nested lists and objects of ``leaf``: what a JSON file can hold."""
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(STRING, inner, max_size=3)), max_leaves=12)


JSON = json_values(LEAF)  # finite: a result might hold it
ANY_JSON = json_values(LEAF | NON_FINITE)
PROVENANCE_KEYS = ["profile", "date_utc", "wall_seconds", "commit", "cpu", "logical_cpus",
                   "torch_threads", "blas", "gpu", "python", "numpy", "torch", "keras",
                   "tensorflow", "seeds", "dirty"]


@st.composite
def documents(draw) -> object:
    """Anything JSON can hold, or (mostly) something shaped like a result: its fields with
    generated values, often with a matching outputs hash so that it can be accepted."""
    if draw(st.integers(0, 4)) == 0:
        return draw(ANY_JSON)
    record = {
        "schema_version": draw(st.sampled_from([2] * 6 + [1, "2", True, 2.0])),
        "name": draw(st.sampled_from(["code", "equivalence", "tooling", "scalability",
                                      "flexibility"] * 2 + ["nope", "<b>"])),
        "inputs_hash": draw(STRING),
        "config": draw(st.dictionaries(st.sampled_from(["epochs", "repeats"]) | STRING,
                                       JSON, max_size=4)),
        "provenance": draw(st.dictionaries(st.sampled_from(PROVENANCE_KEYS),
                                           st.one_of(STRING, JSON), max_size=12)),
        "rows": draw(st.lists(st.dictionaries(STRING, LEAF, max_size=3), max_size=3)),
    }
    if draw(st.integers(0, 5)) == 0:
        record["rows"].append({"median_s": draw(NON_FINITE)})
    if draw(st.integers(0, 5)) == 0:
        del record[draw(st.sampled_from(sorted(record)))]
    if draw(st.integers(0, 3)) > 0:
        with contextlib.suppress(ValueError):  # NaN: no hash can be written
            record["outputs_hash"] = store.outputs_hash(record)
    return record


@settings(max_examples=200, **BOUNDED)
@given(documents())
def test_any_result_file_is_refused_cleanly_or_shown_escaped(tmp_path, document):
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "doc.json").write_text(json.dumps(document))
    try:
        record = store.load("doc", folder)
    except store.StaleResult as error:
        assert "doc.json" in str(error)
        event("refused by the store")
        return
    assert store.problems(record) is None
    with pytest.MonkeyPatch.context() as patch:  # only the record, not every experiment
        patch.setattr(site_module, "current_results", lambda results: {})
        try:
            site = Site.load(tmp_path, folder)
        except SiteError:
            event("refused by the site")
            return
    try:
        box = site.block("provenance", "doc", "x.md")
    except SiteError:
        event("refused by the site")
        return
    finally:
        site.close()
    event("shown")
    assert "<" not in re.sub(r"</?code>", "", box)
    assert box.count("](") == 2  # the box's own two links (raw JSON and CSV), no other
