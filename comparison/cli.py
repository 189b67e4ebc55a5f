"""Command line: ``python -m comparison {train,run,figures,report} ...``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from comparison.atomic import write_atomically
from comparison.data import SPECS, DataError, load_dataset
from comparison.training import IMPLEMENTATIONS, TrainConfig, TrainingDiverged, train


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args, parser)
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
    add_data_argument(p)
    p.add_argument("--out", type=Path, help="run record (JSON); default results/runs/...")
    p.set_defaults(handler=run_train)

    from comparison.experiments.cli import add_commands

    add_commands(commands)
    return parser


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR",
                        help="folder with the IDX files (default: $NN_COMPARE_DATA, then ./data)")


def run_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from comparison.provenance import provenance

    try:
        config = TrainConfig(
            impl=args.impl, dataset=args.dataset, hidden=tuple(args.hidden), epochs=args.epochs,
            batch_size=args.batch_size, eta=args.eta, cost=args.cost, lmbda=args.lmbda,
            init=args.init, seed=args.seed, dtype=args.dtype, device=args.device,
            train_size=args.train_size, per_example=args.per_example,
            monitor_training=args.monitor_training,
        )
        from comparison.torch_net import resolve_device

        resolve_device(config.device)  # fail on a missing GPU before loading any data
    except ValueError as error:
        parser.error(str(error))
    data = load_dataset(config.dataset, args.data)
    print(f"{config.impl}: {'-'.join(map(str, config.sizes()))} on {data.name} "
          f"({len(data.train)} training images from {data.source})")
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
