"""What every experiment shares, apart from the questions themselves:

    timing.py    the timing protocol: shuffled rounds, settled samples, intervals, the rule
    machine.py   the CPUs a run may use, every thread pool set to them, the machine's load
    products.py  each library's matrix products at a step's shapes, and a square yardstick
    context.py   what a run is given (data, device, seed) and worker processes for training
    source.py    the package's own source, read by definition (counted, diffed, shown)
    runner.py    runs the experiments whose inputs changed and stores their results
"""
