"""The command line: `ses-lint [check] [PATH ...]`, `ses-lint rules`, `ses-lint explain CODE`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .engine import UsageError, discover, run_lint
from .findings import Severity, Stage
from .registry import load_rules
from .run import Options
from .selection import SelectionError, check_selectors
from .settings import SettingsError
from .settings import discover as discover_settings
from .settings import load as load_settings

COMMANDS = ("check", "rules", "explain")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with one clear line, as for every usage error
        self.print_usage(sys.stderr)
        raise SystemExit(f"ses-lint: error: {message}")


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ses-lint", description="Will the Amazon SES email providers in this YAML configuration really deliver mail?")
    parser.add_argument("--version", action="version", version=f"ses-lint {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = commands.add_parser("check", help="check files and folders (the default command)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (searched for *.yaml, *.yml); `-` reads standard input")
    stages = check.add_argument_group("stages (static always runs)")
    stages.add_argument("--dns", action="store_true", help="check SPF, DKIM, DMARC and MAIL FROM records")
    stages.add_argument("--aws", action="store_true", help="check credentials, identities, sandbox, quota and IAM (read-only calls)")
    stages.add_argument("--online", action="store_true", help="both --dns and --aws")
    stages.add_argument("--probe", action="store_true", help="send one probe message per enabled SES provider (implies --aws)")
    stages.add_argument("--probe-to", metavar="ADDRESS", help="probe recipient (default: success@simulator.amazonses.com)")
    network = check.add_argument_group("network")
    network.add_argument("--nameserver", action="append", metavar="HOST[:PORT]", help="DNS server to ask (repeatable; default: the system's)")
    network.add_argument("--timeout", type=float, metavar="SECONDS", help="bound for each network call (default 5)")
    network.add_argument("--env", action="store_true", help="resolve ${NAME} references from the environment and report unset ones")
    network.add_argument("--mail-from", action="append", metavar="DOMAIN", help="a custom MAIL FROM domain to check (repeatable)")
    network.add_argument("--dkim-selector", action="append", metavar="NAME", help="a DKIM selector whose TXT key to check (repeatable)")
    selection = check.add_argument_group("selection")
    selection.add_argument("--select", action="append", metavar="CODES", help="rules to run instead of the default set: codes, prefixes (SES3) or names")
    selection.add_argument("--extend-select", action="append", metavar="CODES", help="rules to add to the default set")
    selection.add_argument("--ignore", action="append", metavar="CODES", help="rules not to run")
    selection.add_argument("--severity", action="append", metavar="CODE=LEVEL", help="override a rule's severity (error, warning, info)")
    selection.add_argument("--fail-on", choices=[s.value for s in Severity], help="lowest severity that fails the run (default: error)")
    output = check.add_argument_group("output")
    output.add_argument("--format", choices=["text", "json", "sarif", "github", "junit"], help="output format (default: text; github under GitHub Actions)")
    output.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    output.add_argument("--quiet", "-q", action="store_true", help="print findings only: no summary, nothing when clean")
    output.add_argument("--config", metavar="FILE", help="use this .ses-lint.yaml or pyproject.toml instead of searching for one")

    commands.add_parser("rules", help="list every rule: code, name, stage, severity")
    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("code", metavar="CODE", help="a rule code (SES301) or name (hardcoded-secret)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "check")
    try:
        args = build_parser().parse_args(args_list)
        if args.command == "rules":
            return list_rules()
        if args.command == "explain":
            return explain(args.code)
        return check(args)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return EXIT_USAGE
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except (UsageError, SettingsError, SelectionError) as error:
        print(f"ses-lint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`ses-lint | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("ses-lint: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the last guard: no traceback reaches a user
        if os.environ.get("SES_LINT_DEBUG"):
            raise
        print(f"ses-lint: internal error: {type(error).__name__}: {error} (set SES_LINT_DEBUG=1 for details; please report it)", file=sys.stderr)
        return EXIT_USAGE


def list_rules() -> int:
    rules = load_rules()
    width = max(len(rule.name) for rule in rules.values())
    for rule in rules.values():
        print(f"{rule.code}  {rule.name:<{width}}  {rule.stage.value:<6}  {rule.severity.value:<7}  {rule.docs.summary.split('. ')[0].rstrip('.')}")
    return EXIT_OK


def explain(code: str) -> int:
    rules = load_rules()
    rule = rules.get(code.upper()) or next((r for r in rules.values() if r.name == code.lower()), None)
    if rule is None:
        raise UsageError(f"`{code}` is not a rule code or name; `ses-lint rules` lists them")
    print(f"{rule.code} {rule.name} (stage {rule.stage.value}, {rule.severity.value})\n")
    print(rule.docs.text())
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    settings = load_settings(Path(args.config)) if args.config else discover_settings()
    values = settings.values
    rules = load_rules()

    stages = {Stage.STATIC, *(Stage(stage) for stage in values.get("stages", []))}
    if args.dns or args.online:
        stages.add(Stage.DNS)
    if args.aws or args.online or args.probe:
        stages.add(Stage.AWS)
    if args.probe:
        stages.add(Stage.PROBE)

    select = _split(args.select) if args.select is not None else values.get("select")
    extend_select = _split(args.extend_select) if args.extend_select is not None else values.get("extend-select", [])
    ignore = _split(args.ignore) if args.ignore is not None else values.get("ignore", [])
    for what, selectors, source in (
        ("select", select or [], args.select),
        ("extend-select", extend_select, args.extend_select),
        ("ignore", ignore, args.ignore),
    ):
        try:
            check_selectors(selectors, rules, what)
        except SelectionError as error:
            raise SelectionError(f"{settings.source}: {error}" if source is None and settings.source else error) from None

    severity = {code: Severity(level) for code, level in values.get("severity", {}).items()}
    for item in args.severity or []:
        code, _, level = item.partition("=")
        if level not in {s.value for s in Severity}:
            raise UsageError(f"--severity {item}: write CODE=LEVEL with LEVEL error, warning or info")
        severity[code.strip()] = Severity(level)
    try:
        check_selectors(severity, rules, "severity")
        check_selectors([code for codes in values.get("per-file-ignores", {}).values() for code in codes], rules, "per-file-ignores")
    except SelectionError as error:
        raise SelectionError(f"{settings.source}: {error}" if settings.source else error) from None

    timeout = args.timeout if args.timeout is not None else float(values.get("timeout", 5.0))
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    fail_on = Severity(args.fail_on or values.get("fail-on", "error"))
    options = Options(
        stages=frozenset(stages),
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        severity=severity,
        fail_on=fail_on,
        per_file_ignores=values.get("per-file-ignores", {}),
        nameservers=args.nameserver or values.get("nameservers", []),
        timeout=timeout,
        env=args.env,
        mail_from=args.mail_from or values.get("mail-from", []),
        dkim_selectors=args.dkim_selector or values.get("dkim-selector", []),
        probe_to=args.probe_to or Options.probe_to,
        progress=sys.stderr.isatty(),
    )
    paths = args.paths or values.get("paths") or ["."]
    report = run_lint(discover(paths), options)

    from .report import Context, render

    format_name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    to_terminal = args.output is None and sys.stdout.isatty()
    color = format_name == "text" and to_terminal and not os.environ.get("NO_COLOR")
    text = render(format_name, report, Context(__version__, fail_on, color, args.quiet))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"--output {args.output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
    return report.exit_code(fail_on)
