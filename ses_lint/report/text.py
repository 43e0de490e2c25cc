"""Human output: `path:line:col: CODE [severity] message` (with `--show-source`, the line and a caret
under the column), then a summary."""
from __future__ import annotations

from ses_lint.core.engine import Report
from ses_lint.core.findings import Severity
from ses_lint.report import Context, unsaid_suggestion

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(report: Report, context: Context) -> str:
    lines = []
    for finding in report.findings:
        level = finding.severity.value
        where = f"{finding.file}:{finding.line}:{finding.column}:"
        if context.color:
            where = f"{_BOLD}{where}{_RESET}"
            level = f"{_COLORS[finding.severity]}{level}{_RESET}"
        suggestion = unsaid_suggestion(finding)
        lines.append(f"{where} {finding.code} [{level}] {finding.message}" + (f" (suggestion: `{suggestion}`)" if suggestion else ""))
        if context.show_source:
            lines.extend(source_excerpt(report, finding))
    if context.verbose:
        lines += spf_trees(report.details.get("dns", {}).get("domains", []))
    if not context.quiet:
        lines.append(summary(report))
    if context.requirements:
        from ses_lint.requirements import text as requirements_text

        lines += requirements_text(report, report.mask)
    return "\n".join(lines) + ("\n" if lines else "")


def source_excerpt(report: Report, finding) -> list[str]:
    """` 12 | text` and `    |   ^^^`: the line as written (secrets masked; control characters shown
    as `?`, so the caret stays in place and nothing reaches the terminal), a caret under the column, as
    wide as the value when it ends on the same line."""
    pieces = report.source_line(finding)
    if pieces is None:
        return []
    before, span, after = ("".join(char if char == "\t" or char.isprintable() else "?" for char in piece) for piece in pieces)
    pad = "".join("\t" if char == "\t" else " " for char in before)
    gutter = " " * len(str(finding.line))
    return [f" {finding.line} | {before}{span}{after}", f" {gutter} | {pad}{'^' * max(1, len(span))}"]


def summary(report: Report) -> str:
    files = f"{report.files} file{'s' if report.files != 1 else ''} checked"
    if report.skipped:
        files += f", {len(report.skipped)} skipped (not provider configs)"
    unreadable = sum(1 for source in report.unread if not source.excluded)
    if unreadable:
        files += f", {unreadable} not read"
    if report.baselined:
        files += f", {report.baselined} in the baseline not shown"
    files += "; " + stages_ran(report)
    if not report.files:
        return f"No provider config found: nothing was checked ({files})."
    if not report.findings:
        return f"No problems found ({files})."
    counts = [
        f"{count} {name}{'s' if count != 1 else ''}"
        for count, name in (
            (report.count(Severity.ERROR), "error"),
            (report.count(Severity.WARNING), "warning"),
            (report.count(Severity.INFO), "info"),
        )
        if count
    ]
    return f"Found {', '.join(counts)} ({files})."


def spf_trees(domains: list[dict]) -> list[str]:
    """The SPF tree of each domain, one term a line, indented by depth: cost and what it found."""
    lines = []
    for entry in domains:
        for tree in [entry["spf"], *entry.get("mail_from", [])]:
            if tree["status"] != "ok":
                lines.append(f"SPF of {tree['domain']}: {tree['status']}")
                continue
            lines.append(f"SPF of {tree['domain']}: {tree['lookups']} DNS lookups, {tree['voids']} void "
                         f"(+{tree['mx_host_voids']} MX host addresses): {tree['record']}")
            stack = [(node, 1) for node in reversed(tree["tree"])]
            while stack:
                node, depth = stack.pop()
                cost = f"{node['lookups']} lookup{'s' if node['lookups'] != 1 else ''}"
                voids = f", {node['voids']} void" if node["voids"] else ""
                voids += f", {node['mx_host_voids']} MX host void" if node["mx_host_voids"] else ""
                result = f": {node['result']}" if node["result"] else ""
                lines.append(f"{'  ' * depth}{node['term']} ({node['domain']}; {cost}{voids}){result}")
                stack += [(child, depth + 1) for child in reversed(node["children"])]
    return lines


def stages_ran(report: Report) -> str:
    """`stages: static 47 rules, dns 28 rules`: which stages ran, and how many rules each ran."""
    ran = ", ".join(f"{stage} {count} rule{'s' if count != 1 else ''}" for stage, count in report.stages.items())
    return f"stages: {ran or 'none'}"
