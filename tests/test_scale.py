"""A large run: linking steps to providers is linear in the number of files."""
from __future__ import annotations

from ses_lint.source.config import NotifyStep, ProviderEntry, link


class Key(str):
    """A provider key that counts how often it is hashed or compared: the work of linking."""

    operations = 0

    def __eq__(self, other):
        Key.operations += 1
        return str.__eq__(self, other)

    def __hash__(self):
        Key.operations += 1
        return str.__hash__(self)


def link_operations(files: int) -> int:
    """Link `files` files of one provider and two steps each: one naming its own file's provider, one
    naming the next file's."""
    entries = [ProviderEntry(f"f{n}.yaml", Key(f"p{n}"), {}, {}, [], {}) for n in range(files)]
    steps = [
        NotifyStep(f"f{n}.yaml", ("workflows", 0, "steps", i), {}, {"provider": Key(f"p{(n + i) % files}")}, [])
        for n in range(files)
        for i in range(2)
    ]
    Key.operations = 0
    link(entries, steps)
    assert all(step.target is entries[int(step.provider_key[1:])] for step in steps)
    assert all(len(entry.used_by) == 2 for entry in entries)
    return Key.operations


def test_linking_steps_to_providers_is_linear():
    """Counted, not timed, so a tenth of the files proves the same: ten times the files is at most eleven
    times the operations (comparing every step with every entry was a hundred times)."""
    small, large = link_operations(200), link_operations(2_000)
    assert small <= 20 * 200  # a few dictionary operations per entry and step
    assert large <= 11 * small  # was 100x: every step compared with every entry


def test_a_step_links_to_its_own_files_provider_first_then_the_runs_first():
    entries = [ProviderEntry("a.yaml", "p", {}, {}, [], {}), ProviderEntry("b.yaml", "p", {}, {}, [], {}), ProviderEntry("b.yaml", "p", {}, {}, [], {})]
    steps = [NotifyStep(name, (), {}, {"provider": "p"}, []) for name in ("a.yaml", "b.yaml", "c.yaml")]
    steps.append(NotifyStep("c.yaml", (), {}, {"provider": "missing"}, []))
    link(entries, steps)
    assert [step.target for step in steps] == [entries[0], entries[1], entries[0], None]
    assert [len(entry.used_by) for entry in entries] == [3, 3, 3]
