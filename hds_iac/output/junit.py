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
    if result.errors:
        suite = ET.SubElement(root, "testsuite", name="inputs", tests=str(len(result.errors)),
                              failures="0", errors=str(len(result.errors)), skipped="0")
        for e in result.errors:
            case = ET.SubElement(suite, "testcase", classname="inputs", name=e.path)
            ET.SubElement(case, "error", message=e.message)
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
