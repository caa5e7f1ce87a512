"""Command line: `python -m scoring validate PATH...` and `python -m scoring score --bank B --answers A`."""

from __future__ import annotations

import argparse
import json
import sys

from scoring.answers import AnswersError, load_responses
from scoring.engine import score
from scoring.source import DocumentError
from scoring.validate import BankError, bank_warnings, load_bank

DESCRIPTION = """\
Check Threadline question banks and score answers against them.

  python -m scoring validate questions/*.yaml
  python -m scoring score --bank questions/social-integration.yaml --answers answers.json

The bank format is described in questions/README.md."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 invalid input, 2 usage)."""
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check bank files; one 'PATH:LINE: message' line per problem",
        description="Check bank files. Exit 0 when all are valid, 1 otherwise, "
        "with one 'PATH:LINE: message' line per problem on stderr.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="a bank file (YAML)")
    validate.set_defaults(run=_validate)
    score_command = commands.add_parser(
        "score",
        help="score an answers document; prints one JSON object",
        description="Score an answers document (JSON or YAML) against a bank and print the result as JSON.",
    )
    score_command.add_argument("--bank", required=True, metavar="PATH", help="the bank file (YAML)")
    score_command.add_argument("--answers", required=True, metavar="PATH", help="the answers document (JSON or YAML)")
    score_command.set_defaults(run=_score)
    return parser


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        try:
            bank = load_bank(path)
        except BankError as error:
            failed = True
            _print_errors(error.lines())
            continue
        questions = len(bank.questions)
        _print_errors(f"{path}: warning: {warning}" for warning in bank_warnings(bank))
        print(f"{path}: ok ({bank.id} {bank.version}: {len(bank.dimensions)} dimensions, {questions} questions)")
    return 1 if failed else 0


def _score(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.bank)
    except BankError as error:
        _print_errors(error.lines())
        return 1
    try:
        responses = load_responses(args.answers, bank)
    except (AnswersError, DocumentError) as error:
        _print_errors(problem.format(args.answers) for problem in error.problems)
        return 1
    print(json.dumps(score(bank, responses).to_json(), indent=2, ensure_ascii=False))
    return 0


def _print_errors(lines) -> None:
    for line in lines:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
