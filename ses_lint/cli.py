"""The command line: `ses-lint [check] [PATH ...]`, `ses-lint rules`, `ses-lint explain CODE`, `ses-lint schema`."""
from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from ses_lint import __version__
from ses_lint.collect.files import DEFAULT_EXCLUDE
from ses_lint.core.baseline import Baseline, BaselineError
from ses_lint.core.baseline import write as write_baseline
from ses_lint.core.cap import DEFAULT_LIMIT
from ses_lint.core.engine import Report, UsageError, discover, run_lint
from ses_lint.core.findings import Severity, Stage
from ses_lint.core.run import Options
from ses_lint.core.selection import SelectionError, check_selectors, check_stages
from ses_lint.rules import load_rules
from ses_lint.settings import SettingsError
from ses_lint.settings import discover as discover_settings
from ses_lint.settings import load as load_settings
from ses_lint.source.patterns import Excludes, PatternSet

COMMANDS = ("check", "rules", "explain", "schema")
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
    files = check.add_argument_group("files")
    files.add_argument("--exclude", action="append", metavar="PATTERNS", help="gitignore-style patterns of what folder searches pass over, instead of the default (hidden folders, node_modules, venv, ...)")
    files.add_argument("--extend-exclude", action="append", metavar="PATTERNS", help="patterns to pass over as well as the excludes")
    files.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None, help="pass over what the git repository's .gitignore files ignore (default: yes)")
    stages = check.add_argument_group("stages (static always runs)")
    stages.add_argument("--offline", action="store_true", help="the static stage only, whatever the configuration's `stages` say")
    stages.add_argument("--dns", action="store_true", help="check SPF, DKIM, DMARC and MAIL FROM records")
    stages.add_argument("--aws", action="store_true", help="check credentials, identities, sandbox, quota and IAM (read-only calls)")
    stages.add_argument("--online", action="store_true", help="both --dns and --aws")
    stages.add_argument("--probe", action="store_true", help="send one probe message per enabled SES provider (implies --aws)")
    stages.add_argument("--probe-to", metavar="ADDRESS", help="probe recipient (default: success@simulator.amazonses.com)")
    network = check.add_argument_group("network")
    network.add_argument("--nameserver", action="append", metavar="HOST[:PORT]", help="DNS server to ask (repeatable; default: the system's)")
    network.add_argument("--timeout", type=float, metavar="SECONDS", help="bound for each network call (default 5)")
    network.add_argument("--dns-concurrency", type=int, metavar="N", help="most DNS queries in flight per server (default 1024; the stage adapts below it)")
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
    output.add_argument("--format", choices=["text", "json", "sarif", "github", "junit", "markdown"], help="output format (default: text; github under GitHub Actions)")
    output.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    output.add_argument("--quiet", "-q", action="store_true", help="print findings only: no summary, nothing when clean")
    output.add_argument("--config", metavar="FILE", help="use this .ses-lint.yaml or pyproject.toml (or any *.toml) instead of searching for one")
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run (2 still means the run could not happen)")
    output.add_argument("--statistics", action="store_true", help="print how many findings each rule has instead of the findings (text or json)")
    output.add_argument("--show-files", action="store_true", help="print each file the run reads (checked, skipped or not read, and why) instead of the findings")
    output.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=None, help="text: print the offending line and a caret under the column (default: on a terminal)")
    output.add_argument("--verbose", "-v", action="store_true", help="text format: also show the evaluated SPF tree of each domain")
    output.add_argument("--max-per-rule", type=int, metavar="N", help=f"show at most N findings of one rule in one file, then one that counts the rest (default {DEFAULT_LIMIT}; 0: all)")
    output.add_argument("--report", action="append", metavar="FORMAT=FILE", help="also write the report in FORMAT to FILE, from the same run (repeatable)")
    gate = check.add_argument_group("gate and adoption")
    gate.add_argument("--fail-on-empty", action="store_true", default=None, help="exit 1 when no provider config was checked (a gate pointed at the wrong folder)")
    gate.add_argument("--baseline", metavar="FILE", help="report only findings that FILE does not hold (and, as SES014, its entries that no longer occur)")
    gate.add_argument("--write-baseline", metavar="FILE", help="record every finding of this run in FILE, then exit 0")
    gate.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what is left")
    gate.add_argument("--diff", action="store_true", help="print the safe fixes as a unified diff; write nothing (exit 1 when there are any)")
    gate.add_argument("--requirements", action="store_true", help="add the readiness report: Gmail, Yahoo, Outlook.com and Apple sender requirements")

    parser.subcommands = {"check": check}
    parser.subcommands["rules"] = commands.add_parser("rules", help="list every rule: code, name, stage, severity")
    schema = parser.subcommands["schema"] = commands.add_parser("schema", help="print the JSON Schema (draft 2020-12) of the provider YAML, for editors")
    schema.add_argument("--settings", action="store_true", help="the schema of .ses-lint.yaml instead")
    explain = parser.subcommands["explain"] = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("code", metavar="CODE", help="a rule code (SES301) or name (hardcoded-secret)")
    return parser


def _safe_streams() -> None:
    """A character the terminal's encoding lacks is written escaped (`\\u2019`), never lost with the report."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _parse(args_list: list[str]) -> argparse.Namespace:
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-") and not os.path.lexists(args_list[0]):
        import difflib  # only for a near miss

        close = difflib.get_close_matches(args_list[0], COMMANDS, n=1)
        if close:
            raise UsageError(f"`{args_list[0]}` is neither a command nor a file or folder; did you mean `{close[0]}`?")
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "check")
    parser = build_parser()
    args, extras = parser.parse_known_args(args_list)
    if extras:
        command = parser.subcommands.get(args.command, parser)
        known = [option for action in command._actions for option in action.option_strings]
        import difflib  # only for a near miss

        close = difflib.get_close_matches(extras[0].split("=")[0], known, n=1, cutoff=0.75) if extras[0].startswith("-") else []
        hint = f"; did you mean `{close[0]}`?" if close else ""
        command.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    try:
        args = _parse(args_list)
        if args.command == "rules":
            return list_rules()
        if args.command == "explain":
            return explain(args.code)
        if args.command == "schema":
            from ses_lint.schema_export import print_schema

            return print_schema(settings=args.settings)
        return check(args)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return EXIT_USAGE
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except (UsageError, SettingsError, SelectionError, BaselineError) as error:
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


def console() -> NoReturn:
    """The `ses-lint` console script and `python -m ses_lint`: `main()`, then straight out of the process.

    Freeing every object of a run at interpreter exit took about 80 ms on 1,000 configs and more on one
    2 MiB file, after the report was complete; so, as mypy does, the script flushes standard output and
    error and leaves with `os._exit`. Nothing is lost: reports written with `--output` and `--report`
    are closed files by then, and ses-lint registers no exit handlers. The cyclic garbage collector is
    off for the process, as the engine already turns it off for each run: the few cycles left are freed
    with the process. `main()` itself returns normally, for `lint()` users and tests. An error of
    ses-lint's own under `SES_LINT_DEBUG` still ends with its traceback, the ordinary way.
    """
    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # the reader went away (`ses-lint | head`): as `main()` says, not an error
            code = EXIT_OK if stream is sys.stdout else code
        except (OSError, ValueError) as error:  # the report did not reach its reader (a full disk): no pass
            if stream is sys.stdout:
                _say(f"ses-lint: error: standard output: {getattr(error, 'strerror', None) or error}")
                code = EXIT_USAGE
    os._exit(code)


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


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
    print(f"{rule.code} {rule.name} (stage {rule.stage.value}, {rule.severity.value}; source {rule.source})\n")
    print(rule.docs.text())
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    settings = load_settings(Path(args.config), explicit=True) if args.config else discover_settings()
    values = settings.values

    online = [flag for flag, given in (("--dns", args.dns), ("--aws", args.aws), ("--online", args.online), ("--probe", args.probe)) if given]
    if args.offline and online:
        raise UsageError(f"--offline cannot be combined with {online[0]}")
    stages = {Stage.STATIC} if args.offline else {Stage.STATIC, *(Stage(stage) for stage in values.get("stages", []))}
    if args.dns or args.online:
        stages.add(Stage.DNS)
    if args.aws or args.online or args.probe:
        stages.add(Stage.AWS)
    if args.probe:
        stages.add(Stage.PROBE)
    rules = load_rules(stages)

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
            if what != "ignore":
                check_stages(selectors, rules, stages, f"--{what}" if source is not None else what)
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
    concurrency = args.dns_concurrency if args.dns_concurrency is not None else int(values.get("dns-concurrency", Options.dns_concurrency))
    if not 1 <= concurrency <= 4096:
        raise UsageError("--dns-concurrency must be a number from 1 to 4096")
    max_per_rule = args.max_per_rule if args.max_per_rule is not None else int(values.get("max-per-rule", DEFAULT_LIMIT))
    if max_per_rule < 0:
        raise UsageError("--max-per-rule must be 0 (no cap) or a positive number")
    options = Options(
        stages=frozenset(stages),
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        severity=severity,
        fail_on=fail_on,
        per_file_ignores=values.get("per-file-ignores", {}),
        config_folder=settings.folder,
        nameservers=args.nameserver or values.get("nameservers", []),
        timeout=timeout,
        env=args.env,
        mail_from=args.mail_from or values.get("mail-from", []),
        dkim_selectors=args.dkim_selector or values.get("dkim-selector", []),
        probe_to=args.probe_to or Options.probe_to,
        progress=sys.stderr.isatty(),
        dns_concurrency=concurrency,
        baseline=Baseline.read(Path(args.baseline)) if args.baseline and not args.write_baseline else None,
        max_per_rule=max_per_rule,
    )
    format_name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if args.statistics and format_name not in ("text", "json"):
        raise UsageError(f"--statistics prints text or json, not {format_name}")
    if args.requirements and format_name not in ("text", "json", "markdown"):
        raise UsageError(f"--requirements prints text, json or markdown, not {format_name}")
    def lint() -> Report:
        return run_lint(discover(_paths(args, settings), excludes=_excludes(args, settings)), options)

    report = lint()
    if args.show_files:
        sys.stdout.write(show_files(report))
        return EXIT_OK
    if args.write_baseline:
        count = write_baseline(Path(args.write_baseline), report.all_findings, report.documents)
        print(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}.")
        return EXIT_OK
    if args.diff or args.fix:
        report, changed = _fix(report, args.diff, lint)
        if args.diff:
            return EXIT_FINDINGS if changed else EXIT_OK
    if not args.quiet:
        for source in report.unread:
            if not source.excluded:
                print(f"ses-lint: note: {source.path}: not read: {source.unread}", file=sys.stderr)

    from ses_lint.report import Context, render

    to_terminal = args.output is None and sys.stdout.isatty()
    color = format_name == "text" and to_terminal and not os.environ.get("NO_COLOR")
    show_source = args.show_source if args.show_source is not None else to_terminal
    context = Context(__version__, fail_on, color, args.quiet, show_source=show_source and format_name == "text",
                      verbose=args.verbose, requirements=args.requirements)
    extra = [_report_target(item) for item in args.report or []]
    text = statistics(report, format_name, context) if args.statistics else render(format_name, report, context)
    for extra_format, target in extra:
        _write("--report", target, render(extra_format, report, Context(__version__, fail_on, requirements=args.requirements)))
    if args.output:
        _write("--output", args.output, text)
    else:
        sys.stdout.write(text)
    if args.exit_zero:
        return EXIT_OK
    fail_on_empty = args.fail_on_empty if args.fail_on_empty is not None else values.get("fail-on-empty", False)
    if fail_on_empty and not report.files:
        return EXIT_FINDINGS
    return report.exit_code(fail_on)


def _report_target(item: str) -> tuple[str, str]:
    from ses_lint.report import FORMATS

    format_name, _, target = item.partition("=")
    if format_name not in FORMATS or not target:
        raise UsageError(f"--report {item}: write FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}")
    return format_name, target


def _write(option: str, target: str, text: str) -> None:
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{option} {target}: {error.strerror or error}") from None


def _fix(report: Report, diff_only: bool, relint) -> tuple[Report, bool]:
    """`--diff`: print the safe fixes. `--fix`: write them, say so on standard error, and lint again."""
    from ses_lint.core import fixes

    planned = fixes.plan(report.all_findings, report.documents)
    if diff_only:
        sys.stdout.write("".join(report.mask(fixes.unified_diff(file_fix)) or "" for file_fix in planned))
        return report, bool(planned)
    written = [file_fix for file_fix in planned if fixes.write(file_fix)]
    for file_fix in planned:
        if file_fix not in written:
            print(f"ses-lint: {file_fix.path}: changed while it was checked; not fixed", file=sys.stderr)
    count = sum(len(file_fix.fixed) for file_fix in written)
    if count:
        print(f"ses-lint: fixed {count} problem{'s' if count != 1 else ''} in {len(written)} file{'s' if len(written) != 1 else ''}", file=sys.stderr)
    return (relint() if written else report), bool(written)


def _paths(args: argparse.Namespace, settings) -> list[str]:
    """The paths given, else the configuration's `paths` (relative to its folder, shown relative to the
    current one), else the current folder."""
    if args.paths:
        return args.paths
    if values := settings.values.get("paths"):
        return [os.path.relpath(os.path.join(settings.folder, path)) for path in values]
    return ["."]


def _excludes(args: argparse.Namespace, settings) -> Excludes:
    """Each pattern set is relative to where it is written: flags to the current folder, keys to the
    configuration's folder. A flag replaces its key, as every flag does."""
    here, source = os.getcwd(), os.path.relpath(settings.source) if settings.source else None
    sets = []
    for key, flag in (("exclude", args.exclude), ("extend-exclude", args.extend_exclude)):
        if flag is not None:
            sets.append(PatternSet(here, _split(flag), f"--{key}"))
        elif key in settings.values:
            sets.append(PatternSet(settings.folder, settings.values[key], f"{source} {key}"))
        elif key == "exclude":
            sets.append(PatternSet(here, DEFAULT_EXCLUDE, "default exclude"))
    respect = args.respect_gitignore if args.respect_gitignore is not None else settings.values.get("respect-gitignore", True)
    return Excludes(sets, respect)


def show_files(report: Report) -> str:
    """What a run reads: one line per file or folder, with what became of it and why."""
    rows = [("checked", path, "") for path in report.checked]
    rows += [("skipped", path, "not a provider config") for path in report.skipped]
    rows += [("skipped" if source.excluded else "not read", source.path, source.unread) for source in report.unread]
    rows.sort(key=lambda row: row[1])
    return "".join(f"{state:<8}  {path}  ({why})\n" if why else f"{state:<8}  {path}\n" for state, path, why in rows)


def statistics(report: Report, format_name: str, context) -> str:
    """How many findings each rule has, most first (`--statistics`): every finding, those the report's
    cap leaves out too."""
    counts: dict[str, int] = {}
    for finding in report.all_findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [{"code": code, "name": report.rules[code].name if code in report.rules else "", "count": count} for code, count in ordered]
    if format_name == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    from ses_lint.report.text import summary

    width = len(str(max(counts.values()))) if counts else 1
    lines = [f"{row['count']:>{width}}  {row['code']}  {row['name']}" for row in rows]
    if not context.quiet:
        lines.append(summary(report))
    return "".join(line + "\n" for line in lines)
