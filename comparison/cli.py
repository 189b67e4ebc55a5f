"""Command line: ``python -m comparison {train,run,figures,report,record,compare} ...``
(the last two in ``records_cli.py``).

Bad input gets one line naming the problem and the fix, never a traceback: a usage error
exits with 2 (argparse's way), a problem met while working with 1. Everything that can be
checked before long work (options, output paths, the results folder) is checked first.
The argument types live in ``arguments.py``. This module is longer than the project's usual
300 lines because the four commands' declarations, with their help texts and defaults, read
best as one table of options in one place.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparison import implementations, records_cli
from comparison.arguments import (
    MAX_HIDDEN,
    count,
    device,
    finite,
    folder,
    nonempty_path,
    seed,
    shown,
)
from comparison.atomic import (
    UnwritablePath,
    check_writable_file,
    check_writable_folder,
    write_atomically,
)
from comparison.checks import check_data_env, check_train_config, check_weight_decay
from comparison.data import SPECS, DataError, load_dataset
from comparison.native_logs import filtered_stderr
from comparison.results.store import InvalidResult, SaveFailed
from comparison.training import TrainConfig, TrainingDiverged, train
from comparison.training.config import COSTS, DTYPES, INITS
from comparison.training.variants import VARIANTS, resolved
from comparison.workdir import private_tempdir

# The variants that train with a cost of their own (the NumPy version's cost class names it)
OWN_COSTS = {name: variant.version("scratch").cost for name, variant in VARIANTS.items()
             if variant.version("scratch").cost is not None}


class CommandError(Exception):
    """A problem met while working (not a usage error): printed as one line, exit status 1."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # TensorFlow's native notices, in this process and its workers; temporary files in a
        # folder of this command's own, removed even if it is killed (by the next command)
        with filtered_stderr(), private_tempdir():
            return args.handler(args, args.parser)
    except (DataError, TrainingDiverged, CommandError, InvalidResult, SaveFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # disk trouble met while working: a full disk, a file in the way
        where = f" ({shown(str(error.filename))})" if error.filename else ""
        print(f"error: {error.strerror or error}{where}: fix that and run it again; results "
              "already written are intact", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: out of memory: ask for less (a smaller --hidden, --batch-size or "
              "--train-size, or the quick profile)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: results already written are intact; nothing partial was kept",
              file=sys.stderr)
        return 130


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in ``--help``; where it is not a plain value (``None``: look
    elsewhere, use all), the option's help says it in words instead."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if "default" in help_text:
            return help_text
        return super()._get_help_string(action)


@dataclass(frozen=True)
class BookDefault:
    """A ``train`` option's default, told apart from the same value typed by the user, so
    that a variant's own settings can replace it (``str`` is what ``--help`` shows)."""

    value: object

    def __str__(self) -> str:
        if isinstance(self.value, tuple):
            return " ".join(map(str, self.value))
        return str(self.value)


def book(field: str) -> BookDefault:
    """The default of ``TrainConfig.field``: the book's chapter-1 run."""
    return BookDefault(getattr(TrainConfig, field))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m comparison", description=__doc__,
                                     formatter_class=HelpFormatter)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help_text: str, description: str = "") -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=description or help_text,
                                   formatter_class=HelpFormatter)

    p = command("train", "train one network (defaults: the book's chapter-1 run)",
                "Train one network. Options you leave out take the --variant's own settings ("
                f"{variant_settings()}), then the book's chapter-1 defaults shown here.")
    add_train_arguments(p)
    p.set_defaults(handler=run_train, parser=p)

    p = command("run", "run experiments whose inputs changed")
    add_run_arguments(p)
    p.set_defaults(handler=run_experiments_command, parser=p)

    p = command("figures", "redraw every figure from stored results")
    p.add_argument("--results", type=nonempty_path,
                   help="results folder (default: $NN_COMPARE_RESULTS, then ./results)")
    p.set_defaults(handler=run_figures, parser=p)

    p = command("report", "run experiments, then build (or serve) the site")
    add_run_arguments(p)
    p.add_argument("--serve", action="store_true", help="serve the site with live reload")
    p.add_argument("--port", type=count(65535), default=8000,
                   help="the port --serve listens on (at 127.0.0.1)")
    p.set_defaults(handler=run_report, parser=p)
    records_cli.add_commands(command)
    return parser


def add_train_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--impl", choices=implementations.names(), default=book("impl"),
                   help="which implementation trains (keras: the optional extra)")
    p.add_argument("--dataset", choices=list(SPECS), default=book("dataset"),
                   help="which data set")
    p.add_argument("--hidden", type=count(MAX_HIDDEN), nargs="+", default=book("hidden"),
                   help="hidden layer sizes")
    p.add_argument("--epochs", type=count(), default=book("epochs"), help="epochs to train")
    p.add_argument("--batch-size", type=count(), default=book("batch_size"),
                   help="mini-batch size")
    p.add_argument("--eta", type=finite(positive=True), default=book("eta"),
                   help="learning rate")
    p.add_argument("--cost", choices=COSTS, default=book("cost"),
                   help="cost function (the softmax variant has its own)")
    p.add_argument("--lmbda", type=finite(), default=book("lmbda"),
                   help="L2 regularisation strength")
    p.add_argument("--init", choices=INITS, default=book("init"),
                   help="initial weights: large (chapter 1) or scaled by 1/sqrt(n_in)")
    p.add_argument("--seed", type=seed, default=book("seed"),
                   help="random seed (initial weights, batch order)")
    p.add_argument("--dtype", choices=DTYPES, default=book("dtype"), help="float precision")
    p.add_argument("--device", type=device, default=book("device"),
                   help="cpu, cuda (cuda:N) or auto (torch only)")
    p.add_argument("--train-size", type=count(), default=book("train_size"),
                   help="use only the first N training images (default: all of them)")
    p.add_argument("--per-example", action="store_true", default=book("per_example"),
                   help="scratch only: the book's one-example-at-a-time backprop")
    p.add_argument("--tuned", action="store_true", default=book("tuned"),
                   help="scratch only: the same step written for speed (in place)")
    p.add_argument("--monitor-training", action="store_true", default=book("monitor_training"),
                   help="also record cost and accuracy on the training data each epoch")
    p.add_argument("--variant", choices=list(VARIANTS), default=book("variant"),
                   help="a change to the network (see comparison/training/variants.py)")
    add_data_argument(p)
    p.add_argument("--out", type=nonempty_path,
                   help="run record (JSON) (default: results/runs/train-IMPL-DATASET-..."
                        "-seedN.json, named by the settings that differ from the book's)")
    p.add_argument("--force", action="store_true",
                   help="replace the run record if it exists")


def variant_settings() -> str:
    """What each variant sets of its own, for ``train --help``."""
    parts = [f"{name}: " + ", ".join(f"--{key.replace('_', '-')} {BookDefault(value)}"
                                     for key, value in variant.settings.items())
             for name, variant in VARIANTS.items() if variant.settings]
    parts += [f"{name}: its own {cost.name} cost" for name, cost in OWN_COSTS.items()]
    return "; ".join(parts)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", type=folder,
                        help="folder with the IDX files (default: $NN_COMPARE_DATA, then ./data)")


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    from comparison.experiments import EXPERIMENTS

    parser.add_argument("--profile", choices=["smoke", "quick", "full"], default="quick",
                        help="smoke: seconds (tests); quick: minutes (CI); full: the site")
    parser.add_argument("--only", nargs="+", choices=list(EXPERIMENTS), metavar="NAME",
                        help=f"run only these ({', '.join(EXPERIMENTS)}) (default: all)")
    parser.add_argument("--force", action="store_true", help="re-run even if up to date")
    parser.add_argument("--device", type=device, default="auto",
                        help="cpu, cuda (cuda:N) or auto")
    parser.add_argument("--seed", type=seed, default=0, help="first seed")
    parser.add_argument("--results", type=nonempty_path,
                        help="results folder (default: $NN_COMPARE_RESULTS, then ./results)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_data_argument(parser)


# Option types: argparse reports their ArgumentTypeError as a usage error (exit status 2).

def results_folder(args: argparse.Namespace, parser: argparse.ArgumentParser,
                   names: Sequence[str] = ()) -> Path:
    """The results folder, checked before anything runs: a folder, or one that can be made,
    that this user can write into, where the results of ``names`` and their figures can be
    written (not ``book.json`` a folder, say: found after the run, the work would be lost)."""
    from comparison.results import store

    folder = store.results_dir(args.results)
    if args.results:
        option = "--results"
    elif os.environ.get(store.RESULTS_ENV_VAR):
        option = f"${store.RESULTS_ENV_VAR}"
    else:
        option = "the results folder"
    try:
        check_writable_folder(folder, option)
        if names:
            check_writable_folder(folder / "figures", option)
        for name in names:
            check_writable_file(folder / f"{name}.json", option)
    except UnwritablePath as error:
        parser.error(str(error))
    return folder


def run_experiments_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.experiments import EXPERIMENTS
    from comparison.experiments.harness.context import Context
    from comparison.experiments.harness.runner import print_summary, run_experiments
    from comparison.torch.network import resolve_device

    names = args.only or list(EXPERIMENTS)
    results = results_folder(args, parser, names)
    try:
        resolve_device(args.device)
        if args.data is None:
            check_data_env()
    except ValueError as error:
        parser.error(str(error))
    context = Context(data_dir=args.data, device=args.device, seed=args.seed,
                      progress=not args.no_progress)
    summary = run_experiments(names, args.profile, context, results, args.force)
    print_summary(summary, results)
    return 0


def run_figures(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Redraw each current result's figures; a result that is invalid, stale (its figures
    would not be shown) or cannot be drawn is skipped with a line saying so."""
    from comparison.experiments import EXPERIMENTS
    from comparison.report.figures import render
    from comparison.report.loading import is_current
    from comparison.report.pages import presenter
    from comparison.results import store
    from comparison.results.read import typed_result

    results = results_folder(args, parser)
    for name in EXPERIMENTS:
        plots = getattr(presenter(name), "figures", None)
        if plots is None:
            continue
        try:
            record = store.load(name, results)
            if not is_current(record):
                raise store.StaleResult(f"{results / name}.json is stale: re-run it "
                                        f"(`python -m comparison run --only {name}`)")
            ids: list[str] = []
            # saved again as one unit, so that the record lists the figures drawn now (a figure
            # added since the run is published; one no longer drawn is removed)
            result = typed_result(name, record)  # what the figures read, as a run gives it
            store.save(name, record, results,
                       lambda folder, plots=plots, result=result, ids=ids: ids.extend(
                           render(plots, result, folder)))
        except store.StaleResult as error:
            print(f"skipped: {error}")
            continue
        except (KeyError, TypeError, ValueError, IndexError) as error:
            print(f"skipped: {results / name}.json cannot be drawn ({type(error).__name__}: "
                  f"{shown(str(error))}): re-run it (`python -m comparison run --only {name}`)")
            continue
        print(f"{name}: {', '.join(ids)}")
    return 0


def run_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison import data, site_build
    from comparison.results import store

    try:  # all before the experiments run: found after them, the hour would be lost
        site_build.check_project()
        site_build.check_site_folder()
        if args.serve:
            site_build.check_port(args.port)
    except site_build.SiteFolderError as error:
        parser.error(str(error))
    if args.data:  # the notebook page loads MNIST from it, even when every result is current
        data.locate(SPECS["mnist"], args.data)
    run_experiments_command(args, parser)
    env = os.environ | {store.RESULTS_ENV_VAR: str(store.results_dir(args.results).resolve())}
    if args.data:
        env[data.ENV_VAR] = str(Path(args.data).resolve())
    if args.serve:
        print(f"mkdocs serve at http://127.0.0.1:{args.port}", flush=True)
        return site_build.mkdocs(["serve", "--dev-addr", f"127.0.0.1:{args.port}"], env)
    # a published build executes the notebook afresh: its cache is keyed by the notebook, not
    # by comparison/
    print("mkdocs build --strict", flush=True)
    return site_build.build(env | {"NN_COMPARE_NOTEBOOK_CACHE": "false"})


def train_settings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict:
    """``TrainConfig``'s fields: what the user gave, else the variant's own settings, else the
    book's defaults. Asking for a cost the variant replaces is refused, not ignored."""
    name = str(args.variant)
    if name in OWN_COSTS and not isinstance(args.cost, BookDefault):
        parser.error(f"--variant {name} trains with its own cost "
                     f"({OWN_COSTS[name].name}); leave out --cost")
    options = {field: getattr(args, field, None) for field in TrainConfig.__dataclass_fields__}
    given = {k: v for k, v in options.items()
             if v is not None and not isinstance(v, BookDefault)}
    defaults = {k: v.value for k, v in options.items() if isinstance(v, BookDefault)}
    settings = resolved(defaults, VARIANTS[name], given)
    return {field: tuple(value) if field == "hidden" else value
            for field, value in settings.items() if value is not None}


def run_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.results.provenance import provenance
    from comparison.torch.network import resolve_device

    try:
        config = TrainConfig(**train_settings(args, parser))
        check_train_config(config)
        resolve_device(config.device)  # fail on a missing GPU before loading any data
        implementations.get(config.impl).require()  # Keras and JAX: their optional extras
        if args.data is None:
            check_data_env()
        out = args.out or default_record_path(config)
        check_writable_file(out, "--out")  # before training, so that the work is not lost
        if out.exists() and not args.force:
            raise ValueError(f"{out} holds a run with these settings: pass --force to "
                             "replace it, or --out FILE to keep both")
    except ValueError as error:  # UnwritablePath is one
        parser.error(str(error))
    data = load_dataset(config.dataset, args.data)
    n_train = min(config.train_size or len(data.train), len(data.train))
    try:
        check_weight_decay(config, n_train)
    except ValueError as error:
        parser.error(str(error))
    variant = "" if config.variant == "baseline" else f" ({config.variant} variant)"
    print(f"{config.impl}{variant}: {'-'.join(map(str, config.sizes()))} on {data.name} "
          f"({n_train} training images from {data.source})")
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught and reported
        record = train(config, data)
    if config.variant in OWN_COSTS:  # what actually trained, not the option it replaced
        record["config"]["cost"] = OWN_COSTS[config.variant].name
    if config.train_size is not None:  # what was used, not more than the data holds
        record["config"]["train_size"] = n_train
    record["dataset"] = {"name": data.name, "source": data.source, "checksum": data.checksum,
                         "pixel_scaling": data.pixel_scaling}
    record["provenance"] = provenance(device=record["device"])
    best = record["best"]
    print(f"best test accuracy {best['test_accuracy']:.2%} (epoch {best['epoch']})")
    write_record(out, record)
    print(f"run record: {out}")
    return 0


def default_record_path(config: TrainConfig) -> Path:
    """``results/runs/train-IMPL-DATASET-...-seedN.json``, naming every setting that differs
    from the book's, so that runs with different settings do not replace each other."""
    book_run = TrainConfig()
    changed = [_name_part(key, value) for key, value in config.as_dict().items()
               if key not in ("impl", "dataset", "seed") and value != getattr(book_run, key)]
    name = "-".join(["train", config.impl, config.dataset, *changed, f"seed{config.seed}"])
    return Path("results/runs") / f"{name}.json"


def _name_part(key: str, value: object) -> str:
    """A setting as part of a file name: a word as itself (``float32``), a switch by its name,
    a number after its name (``eta0.5``, ``hidden100x100``)."""
    if isinstance(value, str):
        return value
    key = key.replace("_", "-")
    if isinstance(value, bool):
        return key
    if isinstance(value, tuple):
        return key + "x".join(map(str, value))
    return key + (f"{value:g}" if isinstance(value, float) else str(value))


def write_record(path: Path, record: dict) -> None:
    """Write a run record as strict JSON (no NaN): ``CommandError`` if it cannot be."""
    try:
        text = json.dumps(record, indent=1, allow_nan=False)
    except ValueError:
        raise CommandError("the run record holds a NaN or infinite number, so it was not "
                           "written; try a smaller --eta") from None
    try:
        write_atomically(path, text)
    except OSError as error:
        raise CommandError(f"could not write the run record to {path} ({error.strerror}); "
                           "choose another --out") from None
