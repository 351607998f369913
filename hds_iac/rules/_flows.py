"""How the encryption-in-transit rules read one network flow.

Shared by HDS-TLS-001 to HDS-TLS-005: a flow is labelled the same way in every message
("listener :443 (HTTPS ELBSecurityPolicy-TLS13-1-2-2021-06)") and judged the same way on
its `encrypted` value.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from hds_iac.model import Flow, Resource, Unknown, facet_key
from hds_iac.rules import Verdict
from hds_iac.rules._outcome import Outcome, verdict_of


def flow_label(flow: Flow) -> str:
    return f"{flow.name} ({flow.detail})" if flow.detail else flow.name


def flow_facet(flow: Flow, name: str) -> str:
    """The key of one of the flow's values ("encrypted", "min_tls", "certificate",
    "ipsec.IKE versions") in `Verdict.facets` and `Resource.attributes`: the flow's name is
    its part ("flows[listener :443].min_tls"), which adapters use to record the attribute."""
    return facet_key("flows", name, flow.name)


def judge_encrypted(flow: Flow, why: str = "") -> Outcome:
    """pass when the flow is encrypted, fail when it is plaintext, unknown otherwise."""
    label = flow_label(flow)
    facet = flow_facet(flow, "encrypted")
    if isinstance(flow.encrypted, Unknown):
        return Outcome("unknown", label, why, flow.encrypted.reason, facet)
    return Outcome("pass" if flow.encrypted is True else "fail", label, why, "", facet)


def encryption_verdicts(resources: Iterable[Resource], name: str | None = None,
                        param: str = "detail") -> Iterator[Verdict]:
    """One verdict per resource on whether its flows (all, or those called `name`: the
    contract's fixed names, "in-transit", "https-only policy") are encrypted: message keys
    pass/fail with `{param}` listing the deciding flows, and unknown with `{reason}`.
    Resources without such a flow are not judged."""
    for res in resources:
        outcomes = []
        for flow in res.flows:  # one loop, no list of the flows first: once per resource
            if name is None or flow.name == name:
                outcomes.append(judge_encrypted(flow))
        if outcomes:
            yield verdict_of(res, outcomes, param)
