"""The network written with JAX (an optional extra: ``pip install -r requirements-jax.txt``).

    port.py      the from-scratch network's forward pass and costs, kept as they are in
                 ``jax.numpy``; ``jax.grad`` replaces backpropagation and ``jax.jit`` compiles
                 the step
    network.py   what a JAX user writes: plain functions over a parameter pytree, a loss
                 from logits, a jitted step
    variants.py  ReLU, log-likelihood and momentum, as replacements for one function each
    tooling.py   TensorBoard logging (TensorBoard's own writer) and ``jax.export``
    runner.py    the adapter that lets experiments drive it (``training.protocol.Runner``)

    declared.py  what the experiments need to know of it, without importing JAX
    probe.py     what the speed experiment's fresh process imports and trains

Nothing outside this folder imports JAX unless it is installed and asked for. Float64 needs
JAX's ``jax_enable_x64`` switch, which is process-wide: importing ``network.py`` or ``port.py``
turns it on, and every array here states its dtype, so float32 runs stay float32.
"""
