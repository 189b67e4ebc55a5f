"""nn-compare: Nielsen's network from scratch in NumPy, in PyTorch and in Keras, measured side
by side.

Where things live:
    data.py           MNIST / Fashion-MNIST: finding, verifying, loading
    scratch/          the from-scratch NumPy network (after network.py / network2.py)
    torch_net.py      the same network, written the PyTorch way
    keras_net.py      ... and in Keras (an optional extra: requirements-keras.txt)
    variants.py       the flexibility variants (ReLU, softmax, momentum, dropout, ..., conv):
                      scratch/variants.py, scratch/conv.py, torch_variants.py, keras_variants.py
    tooling.py        TensorBoard logging, plots by hand, export and load back
                      (keras_tooling.py: the same with Keras's callback and SavedModel)
    runners.py        one interface over all three, for experiments and tests
    training.py       a training run: config, batch order, history
    experiments/      one module per question: book, speed, code, equivalence, scalability,
                      flexibility, tooling
    store.py          results as JSON + CSV with provenance (provenance.py, atomic.py)
    figures.py        plots drawn from stored results, light and dark
    tables.py         the tables and numbers the site quotes
    verdicts.py       each seed claim and the rule that judges it from the results
    cli.py            python -m comparison {train,run,figures,report}
"""
