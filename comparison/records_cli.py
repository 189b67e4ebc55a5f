"""``python -m comparison record`` and ``compare``: machine records, and whether two sets of
results reach the same verdicts and agree on every speed comparison.

    record            package this folder's full speed and time-to-accuracy results as a
                      machine record in docs/records/machines/ (or --out-dir)
    record --merge F  check records made elsewhere (CI's matrix) and put them there
    compare A B       every claim whose outcome differs between A and B (result folders or
                      machine records), and how far their speed comparisons agree; exit
                      status 1 if a claim differs, 0 if none
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from comparison.arguments import nonempty_path
from comparison.atomic import write_atomically
from comparison.results import machines, store, typed

USAGE_RECORD = ("package the current full speed and time-to-accuracy results as a machine "
                "record (docs/records/machines/NAME.json)")
USAGE_COMPARE = ("print every claim whose verdict differs between two result folders or "
                 "machine records, and how far their speed comparisons agree (exit status 1 "
                 "if a claim differs)")


def add_commands(command) -> None:
    """Declare both commands with ``command(name, help)`` (cli.py's helper)."""
    p = command("record", USAGE_RECORD)
    p.add_argument("--results", type=nonempty_path,
                   help="results folder (default: $NN_COMPARE_RESULTS, then ./results)")
    p.add_argument("--out-dir", type=nonempty_path, default=machines.FOLDER,
                   help="where the record goes")
    p.add_argument("--merge", nargs="+", type=nonempty_path, metavar="RECORD",
                   help="instead: check these records (made on other machines) and copy them "
                        "into --out-dir, replacing one of the same name")
    p.set_defaults(handler=run_record, parser=p)
    p = command("compare", USAGE_COMPARE)
    p.add_argument("a", type=nonempty_path, help="a results folder or a machine record (.json)")
    p.add_argument("b", type=nonempty_path, help="another")
    p.set_defaults(handler=run_compare, parser=p)


def run_record(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.merge:
        return merge(args.merge, args.out_dir, parser)
    from comparison.report.loading import SiteError, current_results
    from comparison.report.markdown import plural
    from comparison.results.provenance import git_state

    folder = store.results_dir(args.results)
    try:
        results = current_results(folder, machines.RECORDED)
        record = machines.make(results, git_state()[0])
    except (SiteError, machines.RecordError) as error:
        parser.error(str(error))
    path = args.out_dir / f"{record['name']}.json"
    write_atomically(path, json.dumps(record, indent=1) + "\n")
    print(f"machine record: {path} ({record['machine']['cpu']}, "
          f"{plural(record['machine']['usable_cpus'], 'CPU')}); commit it to show it on the site")
    return 0


def merge(paths: list[Path], out_dir: Path, parser: argparse.ArgumentParser) -> int:
    """Check every record first, then copy them all: a damaged one copies none."""
    try:
        records = [machines.load(path) for path in paths]
    except machines.RecordError as error:
        parser.error(str(error))
    for record in records:
        path = out_dir / f"{record['name']}.json"
        write_atomically(path, json.dumps(record, indent=1) + "\n")
        print(f"merged: {path}")
    return 0


def run_compare(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.report.machines import differences

    try:
        a, b = results_of(args.a), results_of(args.b)
    except machines.RecordError as error:
        parser.error(str(error))
    found = differences(a, b)
    for claim, ja, jb in found:
        print(f"differs: {claim.text}\n  {args.a}: {ja.verdict}: {_why(ja)}\n"
              f"  {args.b}: {jb.verdict}: {_why(jb)}")
    if "speed" in a and "speed" in b:
        print_agreement(a["speed"], b["speed"], args.a, args.b)
    print(f"{len(found)} of {len(judged_on_both(a, b))} claims judged on both differ")
    return 1 if found else 0


def print_agreement(a, b, name_a: Path, name_b: Path) -> None:
    """How far two speed results' comparisons agree; each that contradicts the other run."""
    from comparison.report.machines import agreement_of

    found = agreement_of(a, b)
    for x, y in found.disjoint:
        print(f"contradicts: {x.sweep} sweep, {x.a} / {x.b} at mini-batch {x.batch_size}, "
              f"width {x.width}: {name_a}: {_ratio(x)}; {name_b}: {_ratio(y)}")
    print(f"{found.both} speed comparisons made by both: the same outcome in "
          f"{found.same_outcome} (the tables' rule), the same side in {found.same_side} (the "
          f"verdicts' rule); faster in one and slower in the other: {found.opposite}; "
          f"intervals that do not overlap: {len(found.disjoint)}")


def _ratio(c) -> str:
    return f"{c.ratio:.3f} [{c.low:.3f}-{c.high:.3f}] {c.outcome}"


def judged_on_both(a: dict, b: dict) -> list:
    from comparison.report.verdicts.claims import CLAIMS

    return [c for c in CLAIMS if c.results and all(n in a and n in b for n in c.results)]


def _why(j) -> str:
    return f"{j.reason}; {j.number}" if j.reason else j.number


def results_of(path: Path) -> dict[str, object]:
    """The results in a folder (each valid one; the others are named and skipped) or in a
    machine record, each its experiment's typed ``Result``, as the verdicts read them."""
    from comparison.experiments import EXPERIMENTS
    from comparison.report.machines import read
    from comparison.results.read import typed_result

    if path.is_file():
        return read({path.stem: machines.load(path)})[path.stem].results
    if not path.is_dir():
        raise machines.RecordError(f"{path} is neither a results folder nor a machine record")
    found = {}
    for name in EXPERIMENTS:
        if (path / f"{name}.json").exists():
            try:
                found[name] = typed_result(name, store.load(name, path))
            except store.StaleResult as error:
                print(f"skipped: {error}")
            except typed.ShapeError as error:
                print(f"skipped: {path / name}.json does not have the shape this code reads "
                      f"({error})")
    if not found:
        raise machines.RecordError(f"{path} holds no result to compare")
    return found
