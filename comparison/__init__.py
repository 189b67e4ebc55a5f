"""nn-compare: Nielsen's network from scratch in NumPy, in PyTorch, in Keras and in JAX,
measured side by side. The folders follow the data's way through the project:

    data/          MNIST / Fashion-MNIST: finding, verifying (SHA-256, bounded), loading, and
                   the seeded mini-batch order every implementation trains on
    implementations.py
                   the registry: each implementation's name, label, colour, optional extra
                   and runner, declared once and asked by everything below, and the types of
                   what each folder's declared.py says of it (timed paths, versions of the
                   variants, a logger)
    scratch/       the from-scratch NumPy network (network.py reads like the book's listing),
                   the tuned step, its variants, its tooling, its runner and its declarations
    torch/         the same network written the PyTorch way, likewise
    keras/         ... the Keras way (an optional extra: requirements-keras.txt)
    jax/           ... the JAX way, and a port of the scratch code (requirements-jax.txt)
    training/      TrainConfig, the Runner protocol every implementation offers, the variant
                   registry and the training loop
    experiments/   one module per question (book, speed, convergence, code, equivalence,
                   scalability, flexibility, tooling, debugging): a typed Config per profile,
                   what it READS besides its imports, and run(), which returns its typed
                   Result (the class its page reads); harness/ holds the shared machinery:
                   timing.py (the protocol), machine.py and state.py (threads, load),
                   products.py, context.py, source.py (reading the package's own code) and
                   runner.py, which stores results
    stats.py       intervals for a median, paired ratios, Clopper-Pearson, and the two rules
                   that read a ratio (the timing protocol's and the verdicts')
    results/       the store (one JSON + CSV per experiment, with provenance and an inputs hash
                   over the sources that inputs.py derives from the imports), typed.py (a
                   result's class to JSON and back, checked field by field), machine records
    report/        what the pages show: one module per result (tables, quoted numbers,
                   figures), verdicts/ (claims, rules, thresholds), and site.py, which fills
                   the pages' placeholders
    cli.py         python -m comparison {train,run,figures,report,record,compare}, with
                   arguments.py (option types), checks.py (checks before long work),
                   site_build.py (MkDocs as a child, site/ replaced only on success), workdir.py
                   (temporary folders that a killed command cannot leave behind) and atomic.py
                   (whole-file writes)

scripts/mkdocs_hooks.py connects report/site.py to MkDocs; docs/ holds the pages.
"""
