"""nn-compare: Nielsen's network from scratch in NumPy, in PyTorch and in Keras, measured side
by side. The folders follow the data's way through the project:

    data/          MNIST / Fashion-MNIST: finding, verifying (SHA-256, bounded), loading
    scratch/       the from-scratch NumPy network (network.py reads like the book's listing),
                   its variants, its tooling and its runner
    torch/         the same network written the PyTorch way, likewise
    keras/         ... and the Keras way (an optional extra: requirements-keras.txt)
    training/      TrainConfig, the Runner protocol every implementation offers, the variant
                   registry and the training loop
    experiments/   one module per question (book, speed, convergence, code, equivalence,
                   scalability, flexibility, tooling, debugging): a typed Config per profile,
                   the SOURCES its result depends on, and run(); runner.py stores results
    results/       the store (one JSON + CSV per experiment, with provenance and inputs hash)
    report/        what the pages show: one module per result (tables, quoted numbers,
                   figures), verdicts/ (claims, rules, thresholds), and site.py, which fills
                   the pages' placeholders
    cli.py         python -m comparison {train,run,figures,report}, with arguments.py (option
                   types), checks.py (checks before long work), site_build.py (MkDocs as a
                   child, site/ replaced only on success), workdir.py (temporary folders that
                   a killed command cannot leave behind) and atomic.py (whole-file writes)

scripts/mkdocs_hooks.py connects report/site.py to MkDocs; docs/ holds the pages.
"""
