"""The network written the way a Keras user writes it (Keras 3 on TensorFlow, an optional
extra: ``pip install -r requirements-keras.txt``).

    network.py   ``build`` (a Sequential of Dense layers), costs, ``compile_model``, the epoch
    variants.py  ReLU, log-likelihood, momentum, dropout and a conv layer: a layer or a string
    tooling.py   the TensorBoard callback and SavedModel export
    runner.py    the adapter that lets experiments drive it (``training.protocol.Runner``)
    declared.py  what the experiments need to know of it (paths timed, roles, variants)
    probe.py     what the speed experiment's fresh process imports and trains

Nothing outside this folder imports it unless Keras is installed and asked for.
"""
