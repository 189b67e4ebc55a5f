"""What the site shows of the results: tables, quoted numbers, figures and verdicts.

One module per experiment (``book.py``, ``speed.py``, ...) formats that experiment's derived
numbers; ``verdicts.py`` judges the seed texts' claims from the same numbers; ``markdown.py``
and ``figures.py`` are the shared formatting. Nothing here computes a result or parses a
formatted string back into a number.
"""
