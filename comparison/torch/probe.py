"""This implementation's part of the fresh-process probe (``experiments/speed/memory_probe.py``)."""


def load():
    import torch

    from comparison.torch import network
    return torch, network


def train(loaded, examples: int, batch: int) -> None:
    torch, network = loaded
    x = torch.rand(examples, 784, dtype=torch.float64)
    target = torch.nn.functional.one_hot(torch.randint(0, 10, (examples,)), 10).double()
    model = network.Net([784, 30, 10]).double()
    optimizer = network.make_optimizer(model, 3.0, 0.0, examples)
    network.train_epoch(model, optimizer, network.quadratic_cost, x, target,
                        torch.arange(examples).split(batch))
