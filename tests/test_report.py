"""`hds-iac report`: merged scan results -> the HDS compliance report (JSON, Markdown).

Every result is written by the real `hds-iac scan` (fixtures/example and plan fixtures);
the report is produced by the real command line. The HTML rendering is checked in a
browser by test_report_html.py.
"""
from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from hds_iac import catalogue, json_contract
from hds_iac.report import chapter8, coverage, texts

EXAMPLE = FIXTURES / "example"
PLAN_OUTSCALE = FIXTURES / "rules" / "HDS-BAK-006" / "outscale-plan-fail" / "plan.json"
PLAN_AWS = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, Path]:
    """JSON results of the real scanner: the example folder (French and English) and two
    plans."""
    folder = tmp_path_factory.mktemp("results")
    out = {}
    for name, target, lang in (("code", EXAMPLE, "fr"), ("code-en", EXAMPLE, "en"),
                               ("plan-outscale", PLAN_OUTSCALE, "fr"),
                               ("plan-aws", PLAN_AWS, "fr")):
        path = folder / f"{name}.json"
        run = run_cli("scan", str(target), "-o", "json", "--lang", lang,
                      "--output-file", str(path))
        assert run.code in (0, 1), run.stderr
        out[name] = path
    return out


def load(path: Path) -> dict:
    """A JSON result with each finding's rule texts (version 2 keeps them once)."""
    return json_contract.expand(json.loads(path.read_text("utf-8")))


def report_json(*paths: Path, extra: tuple[str, ...] = ()) -> dict:
    run = run_cli("report", *map(str, paths), "-o", "json", *extra)
    assert run.code == 0, run.stderr
    return run.json()


# --- the data files --------------------------------------------------------------------


def test_requirements_list_exi_01_to_31_in_both_languages() -> None:
    reqs = coverage.requirements()
    assert [r.id for r in reqs] == [f"EXI {n:02d}" for n in range(1, 32)]
    for r in reqs:
        assert r.title.fr and r.title.en and r.explain.fr and r.explain.en, r.id
        assert r.title.fr != r.title.en, r.id
        if r.automation != "automated":
            assert r.reasons, f"{r.id}: a {r.automation} requirement says why"


def test_automation_agrees_with_the_catalogue() -> None:
    """One source of truth: a requirement is automated or partial exactly when a rule of the
    catalogue cites it, except a manual one whose rules are only supporting evidence
    (EXI 05); every item of EXI 05 a rule cites exists, and an item no rule cites says why."""
    cited = coverage.rules_by_requirement()
    for r in coverage.requirements():
        rules = cited.get(r.id, {}).get(None, [])
        assert (r.automation != "manual" or r.evidence) == bool(rules), (r.id, r.automation, rules)
        assert not (r.evidence and r.automation != "manual"), r.id
        letters = {i.id for i in r.items}
        # sub-items ("D.c") show only where requirements.toml lists them
        assert {k for k in cited.get(r.id, {}) if k and "." not in k} <= letters, r.id
        for item in r.items:
            if not cited.get(r.id, {}).get(item.id):
                assert item.reasons and item.explain, f"{r.id} {item.id}"
            if "." in item.id:  # a sub-item is listed to be classified, with its rules
                assert item.automation in ("automated", "partial"), f"{r.id} {item.id}"
                assert cited.get(r.id, {}).get(item.id), f"{r.id} {item.id}"
    for meta in catalogue.load():
        for ref in meta.references.hds:
            assert coverage.slots_of(ref), (meta.id, ref)


def test_report_texts_exist_in_both_languages() -> None:
    for table in (texts.LABELS, texts.STATUS, texts.AUTOMATION, texts.REASONS, texts.TOPICS,
                  texts.KINDS, texts.SEVERITY):
        assert set(table["fr"]) == set(table["en"])
        assert all(table["fr"].values()) and all(table["en"].values())
    assert set(texts.TOPICS["fr"]) == set(catalogue.TOPICS)
    assert set(texts.REASONS["fr"]) == set(coverage.REASONS)


def test_bundled_provider_facts_cite_a_source_for_every_known_fact() -> None:
    actors, name = chapter8.load()
    assert {a.provider for a in actors} >= {"aws", "outscale"}
    for actor in actors:
        facts = [actor.facts] + list(actor.regions.values())
        for group in facts:
            for fact_name, fact in group.items():
                if fact.known:
                    assert fact.source, (actor.key, fact_name)
                if fact.note:
                    assert fact.note.fr and fact.note.en, (actor.key, fact_name)
    raw = tomllib.loads(resources.files("hds_iac.report").joinpath("providers.toml")
                        .read_text("utf-8"))
    assert set(raw["actors"]) == {a.key for a in actors}


def test_provider_facts_paraphrase_the_matrix(results) -> None:
    """The matrix is confidential: no run of 10 words of it in the facts file."""
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    matrix = next((p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))
                   if "Matrice de responsabilit" in p.read_text("utf-8")), None)
    if matrix is None:
        pytest.skip("matrix seed not found")

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower().replace("\u2019", "'"))

    m = words(matrix)
    runs = {tuple(m[i:i + 10]) for i in range(len(m) - 9)}
    text = resources.files("hds_iac.report").joinpath("providers.toml").read_text("utf-8")
    w = words(text)
    copied = [" ".join(w[i:i + 10]) for i in range(len(w) - 9) if tuple(w[i:i + 10]) in runs]
    assert not copied


# --- the merged report (real CLI on real scan results) -------------------------------


def test_json_report_merges_code_and_plans(results) -> None:
    doc = report_json(results["code"], results["plan-outscale"], results["plan-aws"])
    inputs = [load(results[k]) for k in ("code", "plan-outscale", "plan-aws")]
    assert doc["kind"] == "hds-iac-report" and doc["lang"] == "fr"
    assert [s["kinds"] for s in doc["sources"]] == [["hcl"], ["plan"], ["plan"]]
    expected = Counter(f["status"] for d in inputs for f in d["findings"])
    assert doc["coverage"]["findings"] == {s: expected.get(s, 0)
                                           for s in ("pass", "fail", "unknown", "skipped")}
    assert len(doc["requirements"]) == 31
    # Coverage as Prowler prints it.
    req = doc["coverage"]["requirements"]
    with_checks = [r for r in doc["requirements"] if r["automation"] != "manual"]
    # EXI 04 (drift), EXI 15 and 16 (access traces exist and are kept), EXI 28
    assert [r["id"] for r in with_checks] == ["EXI 04", "EXI 15", "EXI 16", "EXI 28"]
    assert req["with_checks"] == 4
    traces = {"HDS-LOG-001", "HDS-LOG-002", "HDS-LOG-006", "HDS-LOG-007", "HDS-LOG-008",
              "HDS-LOG-009"}
    for r in with_checks[1:3]:
        assert {x["id"] if isinstance(x, dict) else x for x in r["rules"]} == traces, r["id"]
        assert r["automation"] == "partial", r["id"]
    assert req["share_with_checks"] == round(100 * 4 / 31, 1)
    assert req["pass"] == sum(r["status"] == "pass" for r in with_checks)
    # EXI 28: every data-location finding of the three results, and nothing else.
    exi28 = next(r for r in doc["requirements"] if r["id"] == "EXI 28")
    loc = [f for d in inputs for f in d["findings"] if f["rule_id"] in ("HDS-LOC-001", "HDS-LOC-002")]
    assert exi28["counts"]["fail"] == sum(f["status"] == "fail" for f in loc) > 0
    assert exi28["counts"]["pass"] == sum(f["status"] == "pass" for f in loc)
    assert exi28["status"] == "fail" and exi28["automation"] == "partial"
    assert set(exi28["reasons"]) == {"contractual", "not-visible"}
    assert {r["id"] for r in exi28["rules"]} == {"HDS-LOC-001", "HDS-LOC-002"}
    sources = {f["source"] for f in exi28["findings"]}
    assert sources == {str(results["code"]), str(results["plan-outscale"]),
                       str(results["plan-aws"])}
    # The plan's bucket in London is evidence of EXI 28, with the plan as its source.
    assert any(f["resource"]["address"] == "aws_s3_bucket.exports" and f["status"] == "fail"
               and f["source"] == str(results["plan-aws"]) for f in exi28["findings"])
    # Manual requirements say why, and have no counts of their own.
    exi17 = next(r for r in doc["requirements"] if r["id"] == "EXI 17")
    assert exi17["status"] == "manual" and exi17["reasons"] == ["contractual"]
    assert exi17["findings"] == []


def test_exi05_is_never_scored_its_rules_are_supporting_evidence(results) -> None:
    """EXI 05 asks the host to CONSIDER events A-H in its risk assessment: no rule can show
    that; its rules' findings are shown per event, and neither EXI 05 nor an event is ever
    pass or fail, whatever the findings."""
    doc = report_json(results["code"], results["plan-aws"])
    exi05 = next(r for r in doc["requirements"] if r["id"] == "EXI 05")
    assert exi05["automation"] == "manual" and exi05["supporting_evidence"]
    assert exi05["status"] == "manual" and exi05["counts"]["fail"] > 0
    items = {i["id"]: i for i in exi05["items"]}
    assert list(items) == ["A", "B", "C", "D", "D.c", "E", "F", "G", "H"]
    assert {i["status"] for i in items.values()} == {"manual"}
    # D.c (traceability) is classified on its own: partial, with its reasons and rules
    assert items["D.c"]["automation"] == "partial"
    assert set(items["D.c"]["reasons"]) == {"not-yet-checked", "not-visible", "organisational"}
    assert {"HDS-LOG-001", "HDS-LOG-002", "HDS-LOG-003"} <= set(items["D.c"]["rules"])
    assert set(items["D.c"]["rules"]) <= set(items["D"]["rules"])
    assert items["E"]["rules"] == [] and items["H"]["rules"] == []
    assert doc["coverage"]["requirements"]["with_checks"] == 4  # EXI 04, 15, 16, 28
    text = run_cli("report", str(results["code"]), "-o", "markdown").stdout
    exi05_row = next(line for line in text.splitlines() if line.startswith("| EXI 05 |"))
    assert "non conforme" not in exi05_row and "manuel" in exi05_row
    assert "HDS-TLS-001" in items["C"]["rules"] and "HDS-ENC-001" in items["B"]["rules"]
    findings = load(results["code"])["findings"] + load(results["plan-aws"])["findings"]
    tls = [f for f in findings if f["topic"] == "encryption-in-transit"]
    assert items["C"]["counts"]["fail"] == sum(f["status"] == "fail" for f in tls)


def test_matrix_duties_count_only_that_providers_resources(results) -> None:
    """A matrix binds its provider and its clients: AWS findings are evidence for AWS's
    model only, Outscale findings for Outscale's matrix only."""
    doc = report_json(results["code"], results["plan-aws"])
    findings = [f for p in ("code", "plan-aws") for f in load(results[p])["findings"]]
    duties = {d["key"]: d for d in doc["duties"]}
    assert {d["provider"] for d in duties.values()} == {"aws", "outscale"}
    for duty in duties.values():
        mine = [f for f in findings if f["rule_id"] in duty["rules"]
                and f["resource"]["provider"] == duty["provider"]]
        assert sum(duty["counts"].values()) == len(mine), duty["key"]
    assert sum(duties["outscale-4-hosting-country"]["counts"].values()) > 0
    assert sum(duties["aws-srm-customer-data"]["counts"].values()) > 0
    # a duty no rule evidences is not listed as covered
    assert "outscale-12-keys-custody" not in duties
    assert doc["coverage"]["duties"]["covered"] == len(duties)
    # every finding of the scan links to duties of its own provider only
    for f in findings:
        assert {m["provider"] for m in f["references"]["matrix"]} <= {f["resource"]["provider"]}
    # rules no duty of AWS covers are said to be uncovered, not given Outscale's duties
    uncovered = {(u["provider"], u["rule"]) for u in doc["uncovered"]}
    aws_az = {f["rule_id"] for f in findings
              if f["resource"]["provider"] == "aws" and f["rule_id"].startswith("HDS-AZ-")}
    assert aws_az and {("aws", r) for r in aws_az} <= uncovered
    assert all(p == "aws" for p, _ in uncovered)


def test_recommendation_not_followed_is_never_non_compliance(results) -> None:
    """A failing finding backing a recommendation or an "if needed" duty makes it
    "not followed" / "to assess", never fail; the Outscale volume of the example is not
    encrypted client-side: Outscale recommends it, and the finding weighs low."""
    doc = report_json(results["code"])
    duties = {d["key"]: d for d in doc["duties"]}
    for duty in duties.values():
        if duty["modality"] != "obligation":
            assert duty["status"] != "fail", duty["key"]
    keep_key = duties["outscale-13-encrypt-keep-key"]
    assert keep_key["modality"] == "recommendation" and keep_key["counts"]["fail"] > 0
    assert keep_key["status"] == "not-followed"
    enc = [f for f in load(results["code"])["findings"]
           if f["rule_id"] == "HDS-ENC-001" and f["resource"]["provider"] == "outscale"]
    assert enc and {f["severity"] for f in enc} == {"low"}
    text = run_cli("report", str(results["code"]), "-o", "markdown").stdout
    row = next(line for line in text.splitlines() if "HDS-ENC-001" in line and "§ 13" in line)
    assert "recommandation non suivie" in row and "non conforme" not in row
    assert "| recommandation |" in row
    # the finding itself reads "recommendation not followed", not "non conforme"
    line = next(x for x in text.splitlines() if "`outscale_volume.imaging`" in x
                and "chiffrement attesté" in x)
    assert "recommandation non suivie" in line and "non conforme" not in line
    reported = [f for r in doc["requirements"] for f in r["findings"]
                if f["rule_id"] == "HDS-ENC-001" and f["resource"]["provider"] == "outscale"]
    failing = [f for f in reported if f["status"] == "fail"]
    assert failing and all(f["reported_as"] == "not-followed" for f in failing)
    assert all("reported_as" not in f for f in reported if f["status"] == "pass")


def test_exi28_is_never_met_when_the_allowed_area_leaves_the_eea(tmp_path) -> None:
    """--allowed-countries EEA,GB makes London pass the location rules, but EXI 28 demands
    the EEA: the requirement is never shown met, and every format states the override."""
    plan = FIXTURES / "rules" / "HDS-LOC-001" / "aws-plan-fail" / "plan.json"
    result = tmp_path / "r.json"
    run = run_cli("scan", str(plan), "-o", "json", "--allowed-countries", "EEA,GB,CH",
                  "--output-file", str(result))
    assert "outside the EEA that HDS EXI 28 requires" in run.stderr
    assert load(result)["settings"]["allowed_countries"][:1] == ["AT"]
    loc = [f for f in load(result)["findings"] if f["rule_id"] == "HDS-LOC-001"]
    assert loc and all(f["status"] == "pass" for f in loc)  # London is allowed by the user
    doc = report_json(result)
    exi28 = next(r for r in doc["requirements"] if r["id"] == "EXI 28")
    assert exi28["status"] == "override" and doc["allowed_outside_eea"] == ["CH", "GB"]
    assert doc["coverage"]["requirements"]["pass"] == 0
    md = run_cli("report", str(result), "-o", "markdown").stdout
    assert "inclut CH, GB, hors de l'Espace économique européen" in md
    assert "| EXI 28 |" in md and "zone hors EEE" in md.split("| EXI 28 |")[1].split("\n")[0]
    html = run_cli("report", str(result), "-o", "html").stdout
    assert 'id="override"' in html and "CH, GB" in html
    # the same plan without the override: EXI 28 fails, no override is stated
    plain = tmp_path / "plain.json"
    run_cli("scan", str(plan), "-o", "json", "--output-file", str(plain))
    doc = report_json(plain)
    assert doc["allowed_outside_eea"] == []
    assert next(r for r in doc["requirements"] if r["id"] == "EXI 28")["status"] == "fail"


def test_user_matrix_replaces_or_extends_its_provider(results, tmp_path) -> None:
    """The matrix of the actual contract replaces the bundled one (--matrix FILE); a file
    linking a rule to another provider's resources is refused before any scan."""
    contract = tmp_path / "outscale-contract.toml"
    contract.write_text(
        'provider = "outscale"\n[document]\ntitle.en = "Our contract with Outscale"\n'
        'title.fr = "Notre contrat Outscale"\nversion = "2026-01"\nwhere.en = "annex 3"\n'
        'where.fr = "annexe 3"\n[duties.ours-location]\nsection = "2.1"\n'
        'modality = "obligation"\nduty.en = "Data stays in France."\n'
        'duty.fr = "Les données restent en France."\nrules = ["HDS-LOC-001"]\n', "utf-8")
    doc = report_json(results["code"], extra=("--matrix", str(contract)))
    keys = {d["key"] for d in doc["duties"] if d["provider"] == "outscale"}
    assert keys == {"ours-location"}
    assert any(d["provider"] == "aws" for d in doc["duties"])  # AWS's model untouched
    assert str(contract) in doc["matrix_files"]
    extend = tmp_path / "extend.toml"
    extend.write_text(contract.read_text("utf-8").replace('provider = "outscale"',
                                                           'provider = "outscale"\nmode = "extend"'))
    doc = report_json(results["code"], extra=("--matrix", str(extend)))
    keys = {d["key"] for d in doc["duties"] if d["provider"] == "outscale"}
    assert "ours-location" in keys and "outscale-4-hosting-country" in keys
    bad = tmp_path / "bad.toml"
    bad.write_text(contract.read_text("utf-8").replace("HDS-LOC-001", "HDS-ENC-002"))
    run = run_cli("scan", str(EXAMPLE), "--matrix", str(bad))
    assert run.code == 2 and "does not judge outscale" in run.stderr
    run = run_cli("report", str(results["code"]), "--matrix", str(bad))
    assert run.code == 2 and "does not judge outscale" in run.stderr
    # the scan itself links findings to the user's duties
    out = tmp_path / "scan.json"
    run_cli("scan", str(EXAMPLE), "-o", "json", "--matrix", str(contract), "--output-file", str(out))
    loc = [f for f in load(out)["findings"]
           if f["rule_id"] == "HDS-LOC-001" and f["resource"]["provider"] == "outscale"]
    assert loc and all([m["key"] for m in f["references"]["matrix"]] == ["ours-location"]
                       for f in loc)


def test_chapter8_rows_for_the_providers_found(results) -> None:
    doc = report_json(results["plan-aws"])
    actors = doc["chapter8"]["actors"]
    assert [a["provider"] for a in actors] == ["aws"]
    aws = actors[0]
    assert aws["facts"]["hds_certified"]["value"] == "yes"
    assert aws["facts"]["hds_certified"]["source"]
    assert aws["facts"]["third_country_access"]["value"] == "unknown"
    assert "eu-west-2" in aws["regions"]
    both = report_json(results["code"])["chapter8"]["actors"]
    assert {a["provider"] for a in both} == {"aws", "outscale"}


def test_user_provider_facts_file(results, tmp_path) -> None:
    """A user's facts file: an actor tied to no provider always appears; region facts
    appear when the scan found that region (here: a live Outscale input)."""
    facts = tmp_path / "facts.toml"
    facts.write_text("""
[actors.me]
actor.value = "Clinique Exemple SAS"
actor.source = "Kbis"
role.value = "host"
role.source = "our HDS certificate"

[actors.osc]
provider = "outscale"
actor.value = "3DS OUTSCALE"
actor.source = "contract"
[actors.osc.regions.cloudgouv-eu-west-1]
secnumcloud.value = "yes"
secnumcloud.source = "ANSSI list, checked 2026-11-01"
""", "utf-8")
    doc = load(results["plan-outscale"])
    doc["inputs"].append({"path": "outscale:cloudgouv-eu-west-1", "kind": "outscale",
                          "resources": 0, "region": "cloudgouv-eu-west-1"})
    live = tmp_path / "live.json"
    live.write_text(json.dumps(doc), "utf-8")
    out = report_json(live, extra=("--providers", str(facts), "--lang", "en"))
    actors = {a["key"]: a for a in out["chapter8"]["actors"]}
    assert set(actors) == {"me", "osc"}
    assert actors["me"]["facts"]["role"]["value"] == "host"
    assert actors["osc"]["facts"]["hds_certified"]["value"] == "unknown"  # not in the file
    assert actors["osc"]["region_facts"]["cloudgouv-eu-west-1"]["secnumcloud"]["value"] == "yes"
    assert "cloudgouv-eu-west-1" in actors["osc"]["regions"]
    assert out["chapter8"]["facts_file"] == str(facts)


@pytest.mark.parametrize("content, words", [
    ('[actors.x]\nprovider = "aws"\nhds_certified.value = "yes"\n', "needs its source"),
    ('[actors.x]\nsecnumcloud.value = "maybe"\nsecnumcloud.source = "x"\n', "must be one of"),
    ('[actors.x]\ncolour.value = "blue"\n', "unknown fact"),
    ('[actors.x\n', "not valid TOML"),
])
def test_bad_provider_facts_file_is_a_usage_error(results, tmp_path, content, words) -> None:
    facts = tmp_path / "facts.toml"
    facts.write_text(content, "utf-8")
    run = run_cli("report", str(results["code"]), "-o", "json", "--providers", str(facts))
    assert run.code == 2 and words in run.stderr and run.stdout == ""


def test_skipped_findings_are_counted_but_decide_nothing(results, tmp_path) -> None:
    doc = load(results["plan-aws"])
    for f in doc["findings"]:
        if f["rule_id"] == "HDS-LOC-001" and f["status"] == "fail":
            f["status"] = "skipped"
            f["suppression"] = {"by": "inline", "reason": "no health data", "status": "fail"}
    path = tmp_path / "skipped.json"
    path.write_text(json.dumps(doc), "utf-8")
    out = report_json(path)
    exi28 = next(r for r in out["requirements"] if r["id"] == "EXI 28")
    assert exi28["counts"]["skipped"] >= 1 and exi28["counts"]["fail"] == 0
    assert exi28["status"] in ("pass", "not-evaluated", "unknown")


def test_unusable_results_are_reported_and_the_rest_still_merged(results, tmp_path) -> None:
    not_ours = tmp_path / "other.json"
    not_ours.write_text('{"results": []}', "utf-8")
    future = tmp_path / "future.json"
    future.write_text('{"version": 99, "findings": []}', "utf-8")
    report = tmp_path / "r.json"
    run = run_cli("report", str(results["code"]), str(not_ours), str(future),
                  str(tmp_path / "missing.json"), "-o", "json", "--output-file", str(report))
    assert run.code == 2
    assert "not an hds-iac JSON result" in run.stderr and "version 99" in run.stderr
    assert "missing.json" in run.stderr
    doc = json.loads(report.read_text("utf-8"))
    assert len(doc["sources"]) == 1 and len(doc["unread"]) == 3
    run = run_cli("report", str(not_ours), "-o", "json")
    assert run.code == 2 and "nothing to report" in run.stderr and run.stdout == ""


# --- Markdown, languages ---------------------------------------------------------------


def test_markdown_is_french_by_default(results) -> None:
    run = run_cli("report", str(results["code"]), "-o", "markdown")
    assert run.code == 0, run.stderr
    text = run.stdout
    for heading in ("# Rapport de conformité HDS", "## Synthèse",
                    "## Exigences du référentiel (EXI 01 à 31)",
                    "## Obligations du client (matrices de responsabilités)",
                    "## Tableau des acteurs (chapitre 8, EXI 29 à 31)"):
        assert heading in text
    assert "| EXI 28 | Données de santé stockées exclusivement" in text
    assert "4 sur 31 (12,9\u202f%)" in text
    assert "Data location" not in text


def test_english_report_and_message_language_note(results) -> None:
    run = run_cli("report", str(results["code"]), "-o", "markdown", "--lang", "en")
    assert run.code == 0
    assert "# HDS compliance report" in run.stdout and "4 of 31 (12.9%)" in run.stdout
    assert "Finding messages are in the language" in run.stdout  # the scan was in French
    run = run_cli("report", str(results["code-en"]), "-o", "markdown")
    assert "relancez l'analyse avec --lang fr" in run.stdout
    run = run_cli("report", str(results["code"]), "-o", "markdown")
    assert "relancez l'analyse" not in run.stdout


def test_report_help() -> None:
    run = run_cli("report", "--help")
    assert run.code == 0
    for words in ("RESULT.json", "--providers", "--lang", "exit status", "hds-iac live"):
        assert words in run.stdout


# --- scan and live write the report directly --------------------------------------------


def _without_run_details(doc: dict) -> dict:
    """The parts of two reports of the same scan that may differ: the result's name and
    hash (the direct report has no result file), and the report's own unique reference."""
    doc = json.loads(json.dumps(doc))
    for source in doc["sources"]:
        source["file"] = "RESULT"
    for req in doc["requirements"]:
        for f in req["findings"]:
            f["source"] = "RESULT"
    assert doc.pop("reference").startswith("hds-iac-report-")
    for run in doc["provenance"]:
        run["file"], run["result_sha256"] = "RESULT", None
    for entry in doc["exceptions"] + doc["scope"]["code_scanned"]:
        entry["source"] = "RESULT"
    for group in doc["declared"]:
        for f in group["findings"]:
            f["source"] = "RESULT"
    return doc


def test_scan_writes_the_same_report_as_hds_iac_report(tmp_path) -> None:
    """`scan -o hds-json` and `scan -o json` then `report` give the same document: the
    direct way goes through the same JSON contract."""
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    result, direct = tmp_path / "result.json", tmp_path / "direct.json"
    run = run_cli("scan", str(EXAMPLE), "-o", "json,hds-json", "--lang", "fr",
                  "--output-file", str(result), "--output-file", str(direct), env=env)
    assert run.code == 1, run.stderr  # the example fails rules: the gate still speaks
    two_step = run_cli("report", str(result), "-o", "json", env=env)
    assert two_step.code == 0, two_step.stderr
    doc = json.loads(direct.read_text("utf-8"))
    assert doc["kind"] == "hds-iac-report" and doc["lang"] == "fr"
    assert doc["sources"][0]["file"] == str(EXAMPLE)
    assert doc["coverage"]["findings"]["fail"] == sum(
        f["status"] == "fail" for f in load(result)["findings"]) > 0
    assert _without_run_details(doc) == _without_run_details(two_step.json())


def test_direct_report_is_french_by_default_and_follows_lang(tmp_path) -> None:
    page = tmp_path / "r.md"
    run = run_cli("scan", str(EXAMPLE), "-o", "hds-markdown,cli", "--output-file", str(page))
    assert "# Rapport de conformité HDS" in page.read_text("utf-8")
    assert "data-location" in run.stdout and "Localisation" not in run.stdout  # cli stays en
    run = run_cli("scan", str(EXAMPLE), "-o", "hds-markdown", "--lang", "en")
    assert run.code == 1 and run.stdout.startswith("# HDS compliance report")
    assert "relancez l'analyse" not in run.stdout and "Finding messages are in" not in run.stdout


def test_direct_html_report_and_providers_file(tmp_path) -> None:
    facts = tmp_path / "facts.toml"
    facts.write_text(
        '[actors.us]\nactor.value = "Notre clinique"\nactor.source = "contrat n° 12"\n',
        "utf-8")
    page = tmp_path / "r.html"
    run = run_cli("scan", str(PLAN_AWS), "-o", "hds-html", "--output-file", str(page),
                  "--providers", str(facts))
    assert run.code == 1, run.stderr
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr"' in html
    assert "Notre clinique" in html and "contrat n° 12" in html


@pytest.mark.parametrize("extra, words", [
    (("-o", "hds-html", "--providers", "missing.toml"), "missing.toml"),
    (("--providers", "x.toml"), "--providers is used only by the hds-html"),
])
def test_providers_file_errors_stop_before_the_scan(tmp_path, extra, words) -> None:
    run = run_cli("scan", str(EXAMPLE), *extra, cwd=tmp_path)
    assert run.code == 2 and words in run.stderr and run.stdout == ""


def test_read_errors_make_the_report_incomplete(tmp_path) -> None:
    """A scan that could not read an input still writes its report, which says up front
    that findings are missing, and lists the error; the exit status says so too."""
    folder = tmp_path / "infra"
    folder.mkdir()
    (folder / "good.tf").write_text(
        'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-3a"\n'
        '  size = 10\n  encrypted = true\n}\n', "utf-8")
    (folder / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n', "utf-8")
    md, js = tmp_path / "r.md", tmp_path / "r.json"
    run = run_cli("scan", str(folder), "-o", "hds-markdown,hds-json",
                  "--output-file", str(md), "--output-file", str(js))
    assert run.code == 2 and "broken.tf" in run.stderr
    doc = json.loads(js.read_text("utf-8"))
    assert doc["complete"] is False
    assert [e["path"] for e in doc["errors"]] == ["broken.tf"]
    assert doc["coverage"]["findings"]["pass"] >= 1  # good.tf was still judged
    text = md.read_text("utf-8")
    assert "Rapport incomplet : 1 entrée(s)" in text.split("## Synthèse")[0]
    assert "## Erreurs de lecture" in text and "`broken.tf`" in text
    # ... and the same once merged with a complete result: still incomplete.
    clean = tmp_path / "clean.json"
    assert run_cli("scan", str(EXAMPLE), "-o", "json", "--output-file", str(clean)).code == 1
    partial = tmp_path / "partial.json"
    run_cli("scan", str(folder), "-o", "json", "--output-file", str(partial))
    merged = report_json(clean, partial)
    assert merged["complete"] is False and len(merged["errors"]) == 1
    assert merged["errors"][0]["source"] == 1
    assert report_json(clean)["complete"] is True


def test_chapter8_facts_say_nothing_beyond_their_source() -> None:
    """A fact the source does not establish is unknown; an inferred fact says so; a source
    naming a section of the Outscale matrix points at a section that holds it."""
    from seeds import matrix_text

    actors = {a.key: a for a in chapter8.load()[0]}
    outscale, aws = actors["outscale"].facts, actors["aws"].facts
    # the matrix mentions HDS-certified services but gives no certificate
    assert outscale["hds_certified"].value == "unknown"
    # "support from the EU" is a SecNumCloud commitment (SNC 9.7 d), not for every offer
    assert outscale["third_country_access"].value == "unknown"
    assert aws["secnumcloud"].value == "no" and aws["secnumcloud"].inferred
    matrix = matrix_text()
    sections = {m.group(1): m.start() for m in re.finditer(r"^\s*(\d{1,2})\.\s+[^\W\d]", matrix, re.M)}
    starts = sorted(sections.values()) + [len(matrix)]

    def section(n: str) -> str:
        begin = sections[n]
        return matrix[begin:next(s for s in starts if s > begin)]

    for actor in actors.values():
        for fact in actor.facts.values():
            if fact.source is None or "OUTSCALE responsibility matrix" not in fact.source.en:
                continue
            for n in re.findall(r"§(\d+)", fact.source.en):
                assert n in sections, (actor.key, fact.source.en)
            for ref in re.findall(r"SNC – [\d.]+ \w\)", fact.source.en):
                n = re.findall(r"§(\d+) \([^)]*" + re.escape(ref), fact.source.en)
                assert n and " ".join(ref.split()) in " ".join(section(n[0]).split()), ref
    assert "SNC – 9.7 d)" in " ".join(section("3").split())
