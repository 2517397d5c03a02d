"""python -m carrara validate HOME [--json]

Exit status: 0 the model answers its validation rows as expected, 4 it answers differently (or
predict fails on them), 3 the model cannot load (the reason on stderr), 2 bad arguments.
"""
from __future__ import annotations

import argparse
import contextlib
import sys

from carrara import __version__
from carrara.errors import ModelHomeError
from carrara.validation import validate

EXIT_OK = 0
EXIT_BAD_ARGUMENTS = 2
EXIT_LOAD_FAILED = 3
EXIT_VALIDATION_DIFFERS = 4


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carrara",
                                     description="Tools for Carrara Python model homes.")
    parser.add_argument("--version", action="version", version=f"carrara {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate_parser = commands.add_parser(
        "validate", help="load a model home and check it answers validation/ as expected.jsonl says",
        description="Loads the model in HOME, runs validation/input.* through the same path as the worker and "
                    "compares the answers with validation/expected.jsonl. Exit status: 0 matches, 4 differs, "
                    "3 cannot load, 2 bad arguments.")
    validate_parser.add_argument("home", metavar="HOME", help="the model home folder (holding carrara.yaml)")
    validate_parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_ARGUMENTS

    try:
        # What the model prints goes to stderr so that stdout holds the report alone (parseable with --json).
        with contextlib.redirect_stdout(sys.stderr):
            report = validate(arguments.home)
    except ModelHomeError as error:
        print(f"carrara validate: the model cannot load: {error}", file=sys.stderr)
        return EXIT_LOAD_FAILED
    print(report.to_json(indent=2) if arguments.json else str(report))
    return EXIT_OK if report.ok else EXIT_VALIDATION_DIFFERS


if __name__ == "__main__":
    sys.exit(main())
