"""Results on disk: the store (one JSON + CSV per experiment, with provenance and an inputs
hash), what a result depends on (``inputs.py``, derived from its experiment's imports), the
provenance every result carries, and machine records (full runs packaged to be committed)."""
