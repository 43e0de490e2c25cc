"""Which rules run: `select`, `extend-select` and `ignore` by code, code prefix or rule name."""
from __future__ import annotations

from typing import Iterable

from ses_lint.core.registry import Rule
from ses_lint.rules import load_rules


class SelectionError(ValueError):
    pass


def matches(selector: str, rule: Rule) -> bool:
    selector = selector.strip()
    return selector.upper() == "ALL" or rule.code.startswith(selector.upper()) or selector.lower() == rule.name


def check_selectors(selectors: Iterable[str], rules: dict[str, Rule], what: str) -> None:
    """Every selector names some rule: of `rules` (the stages that run), or else of any stage."""
    for selector in selectors:
        if not any(matches(selector, rule) for rule in rules.values()) and not any(
            matches(selector, rule) for rule in load_rules().values()
        ):
            raise SelectionError(f"{what}: `{selector}` is neither a rule code, a code prefix nor a rule name")


STAGE_FLAGS = {"dns": "--dns (or --online)", "aws": "--aws (or --online)", "probe": "--probe"}


def check_stages(selectors: Iterable[str], rules: dict[str, Rule], stages: Iterable[str], what: str) -> None:
    """A selector all of whose rules belong to stages that do not run would run nothing, and a clean
    report would look like a pass: that is a usage error naming the flag that turns the stage on."""
    running = {str(getattr(stage, "value", stage)) for stage in stages}
    for selector in selectors:
        if any(matches(selector, rule) for rule in rules.values() if rule.stage.value in running):
            continue
        chosen = [rule for rule in load_rules().values() if matches(selector, rule)]  # `rules` may hold the running stages' only
        if chosen and not any(rule.stage.value in running for rule in chosen):
            off = list(dict.fromkeys(rule.stage.value for rule in chosen))
            flags = " and ".join(STAGE_FLAGS.get(stage, stage) for stage in off)
            raise SelectionError(f"{what}: `{selector}` selects only {'/'.join(off)} rules, whose stage does not run: add {flags}")


def select_rules(
    rules: dict[str, Rule],
    stages: Iterable[str],
    select: list[str] | None,
    extend_select: list[str],
    ignore: list[str],
) -> list[Rule]:
    """The rules that run. `select` replaces the default set (every rule of the stages that run);
    selecting a rule never turns on its network stage."""
    for what, selectors in (("select", select or []), ("extend-select", extend_select), ("ignore", ignore)):
        check_selectors(selectors, rules, what)
    stage_names = {str(getattr(stage, "value", stage)) for stage in stages}
    chosen = [rule for rule in rules.values() if rule.stage.value in stage_names]
    if select is not None:
        chosen = [rule for rule in chosen if any(matches(selector, rule) for selector in select)]
    extra = [rule for rule in rules.values() if rule.stage.value in stage_names and rule not in chosen and any(matches(s, rule) for s in extend_select)]
    return [rule for rule in chosen + extra if not any(matches(selector, rule) for selector in ignore)]


def codes_matching(selectors: Iterable[str], rules: dict[str, Rule]) -> set[str]:
    return {rule.code for rule in rules.values() for selector in selectors if matches(selector, rule)}
