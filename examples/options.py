"""Command-line option types the example trainers share."""

import argparse
import os


def env_int(name, default):
    """The positive whole number in environment variable `name`, else `default`."""
    try:
        value = int(os.environ.get(name, ""))
        return value if value > 0 else default
    except ValueError:
        return default


def positive_int(text):
    """An argparse type: a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
