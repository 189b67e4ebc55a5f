"""Argument types for the command line: each checks one kind of value and says, in one line,
what is wrong and what to type instead (argparse turns the ``ArgumentTypeError`` into a usage
error, exit code 2)."""

from __future__ import annotations

import argparse
import math
import os
import re
import stat
from pathlib import Path

SEED_LIMIT = 2**32  # NumPy's legacy seeding (inside Keras) takes 0 <= seed < 2**32
MAX_HIDDEN = 10_000  # 784 x 10,000 float64 weights are 63 MB; more only exhausts memory
DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")


def seed(value: str) -> int:
    """A seed every library takes: a whole number, 0 <= seed < 2**32."""
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not 0 <= number < SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"{shown(value)} is not a valid seed: use a whole "
                                         f"number from 0 to {SEED_LIMIT - 1} (2**32 - 1)")
    return number


def count(limit: int | None = None):
    """A whole number >= 1 (and <= ``limit``): a size, a number of epochs."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1 or (limit is not None and number > limit):
            most = f" and at most {limit:,}" if limit else ""
            raise argparse.ArgumentTypeError(f"{shown(value)} is not a whole number of at "
                                             f"least 1{most}")
        return number
    return parse


def finite(positive: bool = False):
    """A finite number, >= 0 (or > 0 where ``positive``): a learning rate, a penalty."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not math.isfinite(number) or number < 0 or (positive and number == 0):
            sign = "> 0" if positive else ">= 0"
            raise argparse.ArgumentTypeError(f"{shown(value)} is not a finite number {sign}")
        return number
    return parse


def device(value: str) -> str:
    if not DEVICE.fullmatch(value):
        raise argparse.ArgumentTypeError(f"unknown device {shown(value)}: use cpu, cuda "
                                         "(or cuda:N) or auto")
    return value


def nonempty_path(value: str) -> Path:
    """A path; an empty one (which would mean the current folder) is refused."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the path is empty: name a file or folder")
    return Path(value)


def folder_problem(value: str) -> str | None:
    """Why ``value`` is not a folder that exists, in words, or None."""
    if not value.strip():
        return "is empty"
    try:
        mode = os.stat(value).st_mode
    except OSError as error:  # missing, a link loop, a name too long, a folder we may not enter
        return f"cannot be reached ({error.strerror})"
    return None if stat.S_ISDIR(mode) else "is not a folder"


def folder(value: str) -> str:
    """A folder that exists (``--data``): an empty, missing or over-long path is refused."""
    problem = folder_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"{shown(value)} {problem}: name the folder that holds "
                                         "the MNIST files")
    return value


def shown(value: str) -> str:
    """A value from the command line, quoted, short and printable, for a message."""
    return ascii(value if len(value) <= 40 else value[:40] + "...")
