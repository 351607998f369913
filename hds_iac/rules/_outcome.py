"""How several per-part outcomes (disks, listeners, copies, ingress rules) make one verdict.

A resource passes only when every part passes; one failing part fails it, and an
unresolved part makes it unknown unless another part already fails (a known failure is
worth reporting even when something else is unknown).
"""
from __future__ import annotations

from dataclasses import dataclass

from hds_iac.catalogue import Text
from hds_iac.model import Resource
from hds_iac.rules import Verdict

_RANK = {"pass": 0, "unknown": 1, "fail": 2}


@dataclass(slots=True)
class Outcome:
    """What one part of a resource gives: status, a label for messages, and why.

    A slots dataclass, neither frozen nor a named tuple: rules build tens of thousands of
    them on a large plan; a frozen dataclass sets each field through
    `object.__setattr__` (four times slower to build) and a named tuple goes through
    `tuple.__new__` (half as slow again). Nothing changes an outcome once built."""

    status: str  # "pass" | "fail" | "unknown"
    # "root_block_device", "listener :80 (HTTP)"; a Text when it names something in words
    # that differ by language (a country)
    label: str | Text
    why: str = ""  # a rule-specific key (message variant) for this outcome
    reason: str = ""  # the Unknown's reason, for unknown outcomes
    # The facet value this outcome judged (`hds_iac.model.facet_key`), for `Verdict.facets`.
    facet: str = ""


# The helpers below walk their outcomes in one plain loop each: a comprehension or a
# generator is one more function call in Python 3.11, and they run once or more per
# verdict of most rules. Most resources have one part (one disk, one flow): the helpers
# answer a single outcome without the loop (the loop's answer, as the tests pin it).

def worst(outcomes: list[Outcome]) -> tuple[str, list[Outcome]]:
    """The resource's status and the outcomes that decide it (all of that status)."""
    if len(outcomes) == 1:  # one part, the common case: it decides
        return outcomes[0].status, outcomes
    status, deciding = "pass", []
    for o in outcomes:
        if o.status == status:
            deciding.append(o)
        elif _RANK[o.status] > _RANK[status]:  # a worse status: the earlier ones no longer decide
            status, deciding = o.status, [o]
    return status, deciding


def labels(outcomes: list[Outcome]) -> str | Text:
    """Labels joined for a message, without repeats, in order (in both languages when a
    label has two)."""
    if len(outcomes) == 1:  # one label: nothing to join
        return outcomes[0].label
    seen: list[str | Text] = []
    bilingual = False
    for o in outcomes:
        if o.label not in seen:
            seen.append(o.label)
            bilingual = bilingual or isinstance(o.label, Text)
    if not bilingual:
        return ", ".join(seen)  # type: ignore[arg-type]
    return Text(en=", ".join(x.en if isinstance(x, Text) else x for x in seen),
                fr=", ".join(x.fr if isinstance(x, Text) else x for x in seen))


def facets(outcomes: list[Outcome]) -> tuple[str, ...]:
    """The facet values the deciding outcomes judged, without repeats, for `Verdict.facets`."""
    if len(outcomes) == 1:  # one outcome: no repeats to drop
        facet = outcomes[0].facet
        return (facet,) if facet else ()
    found: list[str] = []
    for o in outcomes:
        if o.facet and o.facet not in found:
            found.append(o.facet)
    return tuple(found)


def whys(outcomes: list[Outcome]) -> set[str]:
    """The distinct `why`s (message variants) of the outcomes, for a rule that picks its
    message by them."""
    found = set()
    for o in outcomes:
        found.add(o.why)
    return found


def reasons(outcomes: list[Outcome]) -> str:
    """The distinct reasons of unknown outcomes, joined for a message."""
    seen: list[str] = []
    for o in outcomes:
        label = o.label.en if isinstance(o.label, Text) else o.label
        text = f"{label}: {o.reason}" if label else o.reason
        if o.reason and text not in seen:
            seen.append(text)
    return "; ".join(seen)


def verdict_of(res: Resource, outcomes: list[Outcome], param: str) -> Verdict:
    """The resource's verdict from its parts, for rules whose message names the deciding
    parts in `param` ("parts", "flows", "tunnels") and, when unknown, their reasons; it
    points at the facet values the deciding parts judged (`Outcome.facet`)."""
    status, deciding = worst(outcomes)
    if status == "unknown":
        return Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                       facets(deciding))
    return Verdict(res, status, status, {param: labels(deciding)}, facets(deciding))
