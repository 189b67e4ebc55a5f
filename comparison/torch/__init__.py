"""The network written the way a PyTorch user writes it.

    network.py   ``Net`` (an nn.Module), the book's initialisers, costs, SGD and the loop
    variants.py  ReLU, log-likelihood, momentum, dropout and a conv layer, autograd doing the rest
    tooling.py   TensorBoard logging and ``torch.export``
    runner.py    the adapter that lets experiments drive it (``training.protocol.Runner``)
    declared.py  what the experiments need to know of it (paths timed, roles, variants)
    probe.py     what the speed experiment's fresh process imports and trains

This folder is ``comparison.torch``; inside the package, ``import torch`` is still PyTorch
(imports are absolute).
"""
