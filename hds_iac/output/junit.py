"""JUnit XML: one test suite per topic, one test case per (rule, resource).

CI systems (GitLab, Jenkins, Azure DevOps) display it as test results: a failing finding
is a failed test, an unknown one is skipped with its reason. The finished tree goes once
through `escaping.for_xml` (every attribute and text), so no value of an input can make
the file unreadable.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from hds_iac.catalogue import TOPICS
from hds_iac.escaping import for_xml
from hds_iac.output import completeness
from hds_iac.scan import ScanResult


def render(result: ScanResult, lang: str = "en") -> str:
    root = ET.Element("testsuites", name="hds-iac")
    for topic in TOPICS:
        group = [f for f in result.findings if f.meta.topic == topic]
        if not group:
            continue
        suite = ET.SubElement(root, "testsuite", name=topic, tests=str(len(group)),
                              failures=str(sum(f.status == "fail" for f in group)),
                              skipped=str(sum(f.status in ("unknown", "skipped") for f in group)),
                              errors="0")
        for f in group:
            origin = f.resource.origin
            case = ET.SubElement(suite, "testcase", classname=f"{topic}.{f.rule_id}",
                                 name=f"{f.rule_id} {f.resource.address}")
            if origin.file:
                case.set("file", origin.file)
                if origin.line:
                    case.set("line", str(origin.line))
            if f.status == "fail":
                failure = ET.SubElement(case, "failure", type=f.severity,
                                        message=f.message(lang))
                failure.text = (f"{f.meta.title.get(lang)}\n"
                                f"{' '.join(f.meta.remediation_for(f.resource.provider).get(lang).split())}")
            elif f.status == "unknown":
                ET.SubElement(case, "skipped", message=f.message(lang))
            elif f.status == "skipped":
                ET.SubElement(case, "skipped", message=f"{f.suppression.by}: {f.suppression.reason}")
    _inputs_suite(root, result, lang)
    _sanitise(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sanitise(root: ET.Element) -> None:
    """Every attribute and text of the tree, made valid XML 1.0."""
    for element in root.iter():
        for key, value in list(element.attrib.items()):
            element.set(key, for_xml(value))
        if element.text:
            element.text = for_xml(element.text)


def _inputs_suite(root: ET.Element, result: ScanResult, lang: str) -> None:
    """The "inputs" suite: what was not read (errors; module calls not read, errors unless
    the user accepted them), a skipped case when nothing was judged (an empty report must
    not show green), and the configuration file as a property."""
    allowed = bool(result.missing_modules_allowed_by)
    cases: list[tuple[str, str, str]] = [("error", e.path, e.message) for e in result.errors]
    cases += [("skipped" if allowed else "error", m.path, m.message)
              for m in result.unread_modules]
    if result.judged_nothing:
        cases.append(("skipped", "nothing judged", completeness.text("nothing_judged", lang)))
    suite = ET.SubElement(root, "testsuite", name="inputs", tests=str(len(cases)),
                          failures="0", errors=str(sum(c[0] == "error" for c in cases)),
                          skipped=str(sum(c[0] == "skipped" for c in cases)))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="config_file", value=result.config_file or "")
    notes = [line for line in (completeness.unread_line(result, lang),) if line]
    for note in notes:
        ET.SubElement(properties, "property", name="modules_not_read", value=note)
    for kind, name, message in cases:
        case = ET.SubElement(suite, "testcase", classname="inputs", name=name)
        ET.SubElement(case, kind, message=message)
