"""What the speed experiment's fresh-process probe (``experiments/speed/memory_probe.py``) does
with this implementation: ``load`` imports it (the probe times that), ``train`` trains 784-30-10
on random examples. The probe loads this file alone, so that nothing of the package is imported
before its clock starts."""


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
