"""HDS-TLS-001: load balancer listeners encrypt the traffic they carry.

Health data crossing a network in clear text can be read or altered by anyone on the
path (EXI 05 C: compromise of an information flow); the Outscale matrix (§16) asks the
client to use encrypted links for sensitive communications. A plaintext HTTP listener is
acceptable only when all it does is redirect the client to HTTPS: it then carries no
data. An HTTPS/SSL listener without a certificate cannot terminate TLS at all.
"""
from __future__ import annotations

from typing import Iterator

from hds_iac.model import Inventory, Unknown
from hds_iac.rules import Verdict, rule
from hds_iac.rules._flows import flow_facet, judge_encrypted
from hds_iac.rules._outcome import Outcome, facets, labels, reasons, worst
from hds_iac.settings import Settings


def _judge(flow) -> Outcome:
    outcome = judge_encrypted(flow, "plaintext")
    if outcome.status == "fail" and isinstance(flow.redirects_to_https, Unknown):
        return Outcome("unknown", outcome.label, "redirect", flow.redirects_to_https.reason,
                       outcome.facet)
    if outcome.status == "fail" and flow.redirects_to_https:
        return Outcome("pass", outcome.label, "redirect", facet=outcome.facet)
    if outcome.status != "pass":
        return outcome
    certificate = flow_facet(flow, "certificate")
    if isinstance(flow.certificate, Unknown):
        return Outcome("unknown", outcome.label, "certificate", flow.certificate.reason,
                       certificate)
    if flow.certificate is False:
        return Outcome("fail", outcome.label, "certificate", facet=certificate)
    return Outcome("pass", outcome.label, "encrypted", facet=outcome.facet)


@rule("HDS-TLS-001", kinds=("listener", "load-balancer"))
def check(inventory: Inventory, settings: Settings) -> Iterator[Verdict]:
    for res in inventory.of_kind("listener", "load-balancer"):
        if not res.flows:
            continue
        outcomes = []
        for flow in res.flows:  # a plain loop: a comprehension is one more call per resource
            outcomes.append(_judge(flow))
        status, deciding = worst(outcomes)
        decided_by = facets(deciding)
        if status == "unknown":
            yield Verdict(res, "unknown", "unknown", {"reason": reasons(deciding)},
                          decided_by)
        elif status == "fail":
            plaintext = [o for o in deciding if o.why == "plaintext"]
            if plaintext:
                yield Verdict(res, "fail", "fail", {"listeners": labels(plaintext)},
                              facets(plaintext))
            else:
                yield Verdict(res, "fail", "fail-certificate", {"listeners": labels(deciding)},
                              decided_by)
        elif all(o.why == "redirect" for o in deciding):
            yield Verdict(res, "pass", "pass-redirect", {"listeners": labels(deciding)},
                          decided_by)
        else:
            yield Verdict(res, "pass", "pass", {"listeners": labels(deciding)},
                          decided_by)
