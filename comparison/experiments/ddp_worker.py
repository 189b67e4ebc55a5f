"""One process of a DistributedDataParallel run; ``torchrun`` starts one per process.

    torchrun --standalone --nproc_per_node 2 -m comparison.experiments.ddp_worker \\
        --arrays data.npz --out result.json

Every process holds the whole (small) training set and the same batch order; each global
mini-batch is split between the processes, and DDP averages their gradients, so one step is
the same update as a single process taking the whole mini-batch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from comparison.atomic import write_atomically
from comparison.torch import network as torch_net
from comparison.training import minibatches


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--arrays", required=True,
                        help=".npz with x_train, y_train, x_test, y_test")
    parser.add_argument("--out", required=True, help="JSON written by rank 0")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10, help="global mini-batch")
    parser.add_argument("--eta", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    arrays = np.load(args.arrays)
    x, labels = torch.from_numpy(arrays["x_train"]), torch.from_numpy(arrays["y_train"])
    target = torch.nn.functional.one_hot(labels, 10).float()

    torch.manual_seed(args.seed)
    model = torch_net.Net([784, 30, 10])
    # The book's chapter-3 setting: cross-entropy with scaled initial weights. The chapter-1
    # setting amplifies round-off until runs that should agree part ways (see the book page).
    torch_net.init_weights(model, "scaled")
    ddp = DistributedDataParallel(model)  # broadcasts rank 0's weights to every replica
    optimizer = torch_net.make_optimizer(model, args.eta, 0.0, len(x))
    rng = np.random.default_rng(args.seed)  # the same order in every process

    seconds = []
    for _ in range(args.epochs):
        batches = minibatches(len(x), args.batch_size, rng)
        mine = [torch.from_numpy(b[rank::world]) for b in batches if len(b) == args.batch_size]
        dist.barrier()
        start = time.perf_counter()
        torch_net.train_epoch(ddp, optimizer, torch_net.cross_entropy_cost, x, target, mine)
        dist.barrier()
        seconds.append(time.perf_counter() - start)

    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    replicas = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(replicas, flat)
    if rank == 0:
        x_test = torch.from_numpy(arrays["x_test"])
        _, accuracy = torch_net.evaluate(model, torch_net.cross_entropy_cost, x_test,
                                         torch.from_numpy(arrays["y_test"]))
        spread = max(float((r - replicas[0]).abs().max()) for r in replicas)
        write_atomically(args.out, json.dumps({
            "processes": world, "seconds": seconds, "test_accuracy": accuracy,
            "replica_max_difference": spread, "parameters": flat.tolist()}))
    # Leave together, then skip the interpreter's own teardown: gloo's worker threads can
    # still hold tensors then, and freeing them during finalisation aborts the process
    # ("terminate called without an active exception", about 1 run in 20 here; see
    # pytorch/pytorch#179291). Everything worth keeping is written by now.
    dist.barrier()
    dist.destroy_process_group()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
