"""Command line: ``python -m comparison {train,run,figures,report} ...``."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from comparison.atomic import write_atomically
from comparison.data import SPECS, DataError, load_dataset
from comparison.training import IMPLEMENTATIONS, TrainConfig, TrainingDiverged, train
from comparison.training.variants import VARIANTS


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args, args.parser)
    except (DataError, TrainingDiverged) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: results already written are intact; nothing partial was kept",
              file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m comparison", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    p = commands.add_parser("train", help="train one network (defaults: the book's chapter-1 run)")
    p.add_argument("--impl", choices=IMPLEMENTATIONS, default="scratch")
    p.add_argument("--dataset", choices=list(SPECS), default="mnist")
    p.add_argument("--hidden", type=int, nargs="+", default=[30], help="hidden layer sizes")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=10)
    p.add_argument("--eta", type=float, default=3.0, help="learning rate")
    p.add_argument("--cost", choices=["quadratic", "cross-entropy"], default="quadratic")
    p.add_argument("--lmbda", type=float, default=0.0, help="L2 regularisation strength")
    p.add_argument("--init", choices=["large", "scaled"], default="large")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto (torch only)")
    p.add_argument("--train-size", type=int, help="use only the first N training images")
    p.add_argument("--per-example", action="store_true",
                   help="scratch only: the book's one-example-at-a-time backprop")
    p.add_argument("--monitor-training", action="store_true",
                   help="also record cost and accuracy on the training data each epoch")
    p.add_argument("--variant", choices=list(VARIANTS), default="baseline",
                   help="a change to the network (see comparison/training/variants.py)")
    add_data_argument(p)
    p.add_argument("--out", type=Path, help="run record (JSON); default results/runs/...")
    p.set_defaults(handler=run_train, parser=p)

    p = commands.add_parser("run", help="run experiments whose inputs changed")
    add_run_arguments(p)
    p.set_defaults(handler=run_experiments_command, parser=p)

    p = commands.add_parser("figures", help="redraw every figure from stored results")
    p.add_argument("--results", type=Path, help="results folder (default: ./results)")
    p.set_defaults(handler=run_figures, parser=p)

    p = commands.add_parser("report", help="run experiments, then build (or serve) the site")
    add_run_arguments(p)
    p.add_argument("--serve", action="store_true", help="serve the site with live reload")
    p.set_defaults(handler=run_report, parser=p)
    return parser


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR",
                        help="folder with the IDX files (default: $NN_COMPARE_DATA, then ./data)")


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    from comparison.experiments import EXPERIMENTS

    parser.add_argument("--profile", choices=["smoke", "quick", "full"], default="quick",
                        help="smoke: seconds (tests); quick: minutes (CI); full: the site")
    parser.add_argument("--only", nargs="+", choices=list(EXPERIMENTS), metavar="NAME",
                        help=f"run only these ({', '.join(EXPERIMENTS)})")
    parser.add_argument("--force", action="store_true", help="re-run even if up to date")
    parser.add_argument("--device", default="auto", help="cpu, cuda or auto")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--results", type=Path, help="results folder (default: ./results)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_data_argument(parser)


def run_experiments_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.experiments import EXPERIMENTS
    from comparison.experiments.context import Context
    from comparison.experiments.runner import print_summary, run_experiments
    from comparison.results import store
    from comparison.torch.network import resolve_device

    try:
        resolve_device(args.device)
    except ValueError as error:
        parser.error(str(error))
    context = Context(data_dir=args.data, device=args.device, seed=args.seed,
                      progress=not args.no_progress)
    results = store.results_dir(args.results)
    summary = run_experiments(args.only or list(EXPERIMENTS), args.profile, context, results,
                              args.force)
    print_summary(summary, results)
    return 0


def run_figures(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.experiments import EXPERIMENTS
    from comparison.report.figures import render
    from comparison.report.pages import presenter
    from comparison.results import store

    results = store.results_dir(args.results)
    for name in EXPERIMENTS:
        plots = getattr(presenter(name), "figures", None)
        if plots is None:
            continue
        try:
            record = store.load(name, results)
        except store.StaleResult as error:
            print(f"skipped: {error}")
            continue
        print(f"{name}: {', '.join(render(plots, record, results / 'figures'))}")
    return 0


def run_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import os
    import subprocess

    from comparison import data
    from comparison.results import store

    run_experiments_command(args, parser)
    env = os.environ | {store.RESULTS_ENV_VAR: str(store.results_dir(args.results).resolve())}
    if args.data:  # the notebook page loads MNIST itself when the site is built
        env[data.ENV_VAR] = str(Path(args.data).resolve())
    command = ["serve"] if args.serve else ["build", "--strict"]
    print(f"mkdocs {' '.join(command)}", flush=True)
    return subprocess.run([sys.executable, "-m", "mkdocs", *command], env=env).returncode


def run_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.results.provenance import provenance

    try:
        config = TrainConfig(
            impl=args.impl, dataset=args.dataset, hidden=tuple(args.hidden), epochs=args.epochs,
            batch_size=args.batch_size, eta=args.eta, cost=args.cost, lmbda=args.lmbda,
            init=args.init, seed=args.seed, dtype=args.dtype, device=args.device,
            train_size=args.train_size, per_example=args.per_example,
            monitor_training=args.monitor_training, variant=args.variant,
        )
        from comparison.torch.network import resolve_device

        resolve_device(config.device)  # fail on a missing GPU before loading any data
        if config.impl == "keras" and importlib.util.find_spec("keras") is None:
            raise ValueError("--impl keras needs the optional Keras extra: "
                             "pip install -r requirements-keras.txt")
    except ValueError as error:
        parser.error(str(error))
    data = load_dataset(config.dataset, args.data)
    n_train = min(config.train_size or len(data.train), len(data.train))
    print(f"{config.impl}: {'-'.join(map(str, config.sizes()))} on {data.name} "
          f"({n_train} training images from {data.source})")
    record = train(config, data)
    record["dataset"] = {"name": data.name, "source": data.source, "checksum": data.checksum,
                         "pixel_scaling": data.pixel_scaling}
    record["provenance"] = provenance(device=record["device"])
    best = record["best"]
    print(f"best test accuracy {best['test_accuracy']:.2%} (epoch {best['epoch']})")
    name = f"train-{config.impl}-{data.name}-seed{config.seed}.json"
    out = args.out or Path("results/runs") / name
    write_atomically(out, json.dumps(record, indent=1))
    print(f"run record: {out}")
    return 0
