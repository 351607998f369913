"""Findings as JSON text, each written without a dictionary of its own.

A 5,000-resource plan gives about 19,000 findings that share 25 messages, 5,000 resources
and a few dozen (rule, status, severity) heads: building every finding's dictionary and
then having the encoder walk it was most of the time spent writing the report. Here what
findings share is encoded once per report (`FindingText` keeps it: the head of a rule,
status and severity, a message, a resource, a resource's deciding attributes) and a
finding's text is those pieces joined.

A report's findings are written by one loop (`FindingText.texts`), with no call per finding
but for what is not kept yet, and it leans on their order for speed, never for what it
writes: a resource's findings follow one another (`engine.run` orders them by place) and
a plan's resources of one type do too, so a resource's text is asked once per run of its
findings, a rule's head is first looked for in that rule's last finding, and the
resource's attributes are numbered again only when they differ from the previous
resource's. In any other order the text is the same, each piece only found another way.

This is the one definition of a finding's JSON object: `engine.Finding.as_dict` parses
it, so the JSON report, the CSV report and the in-process readers of the contract
(`json_report.document`) cannot disagree. Every value goes through `value` (strings through
`json.encoder.encode_basestring`, the function `json.dumps(ensure_ascii=False)` escapes
them with): the text is byte for byte what `json.dumps(..., ensure_ascii=False,
separators=(",", ":"))` of that dictionary gives. A lone surrogate (a file name's
undecodable byte) is left as it is here and made writable on the joined text
(`writable`), as `escaping.for_json` does string by string.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from hds_iac.catalogue import keyable, params_key
from hds_iac.escaping import encodable

if TYPE_CHECKING:
    from hds_iac.engine import Finding, Suppression
    from hds_iac.model import Origin, Resource, SourceAttribute


def value(v: Any) -> str:
    """`v` as compact JSON: the types a finding holds written directly, anything else by
    `json.dumps` (so that an unexpected type is written as the encoder would, not guessed)."""
    cls = v.__class__
    if cls is str:
        return encode_basestring(v)
    if v is None:
        return "null"
    if cls is bool:
        return "true" if v else "false"
    if cls is int:
        return int.__repr__(v)
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def writable(text: str) -> str:
    """`text` with every lone surrogate replaced (`escaping.encodable`), so that it can be
    written as UTF-8; the same as `escaping.for_json` on every string of the document,
    since JSON text holds surrogates only inside strings (the check costs little: most
    reports are ASCII)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return encodable(text)
    return text


def _object(pairs: list[tuple[str, Any]]) -> str:
    """A small object (a waiver, an attribute) from its (key, value) pairs, in order."""
    return "{" + ",".join(f"{value(k)}:{value(v)}" for k, v in pairs) + "}"


def _suppression(waiver: Suppression, status: str | None = None) -> str:
    """A waiver (`Suppression.as_dict`), with the verdict it hides when `status` is given."""
    pairs = list(waiver.as_dict().items())
    if status is not None:
        pairs.append(("status", status))
    return _object(pairs)


def attribute_dict(attribute: SourceAttribute) -> dict:
    """A deciding attribute in the JSON report (and SARIF's properties): its path, its line
    when the source has one, and `set` False when it is absent (the default decided)."""
    out: dict = {"path": attribute.path, "set": attribute.set}
    if attribute.line is not None:
        out["line"] = attribute.line
    if attribute.address is not None:  # held by another resource: its address and file
        out["address"] = attribute.address
        if attribute.file is not None:
            out["file"] = attribute.file
    return out


def _attribute(a: SourceAttribute) -> str:
    return _object(list(attribute_dict(a).items()))


class FindingText:
    """Writes the findings of one report (one language) as JSON objects, encoding what they
    share once. Resources are known by identity while the report is written: the findings
    hold them, so no other object takes their place in between."""

    def __init__(self, lang: str = "en", input_key: Callable[[str], str] | None = None):
        self.lang = lang
        self.input_key = input_key
        self._heads: dict[tuple, str] = {}
        # rule id -> (message key, status shown, provider, params, head) of its last finding
        self._recent: dict[str, tuple] = {}
        self._shared: dict[tuple, str] = {}
        self._attributes: dict[tuple, str] = {}
        self._shapes: dict[tuple, int] = {}
        self._inputs: dict[str, str] = {}

    def __call__(self, f: Finding, with_input: bool = True) -> str:
        """The finding's object, `input` last (the JSON report's finding, version 2); without
        `input` (`with_input` False), the keys `Finding.as_dict` gives with `shared=False`."""
        return next(self.texts((f,), with_input))

    def texts(self, findings: Iterable[Finding], with_input: bool = True) -> Iterator[str]:
        """Each finding's object in turn (`__call__`), in one loop (see the module's
        docstring). Its pieces are joined by one f-string: one new string, not one per
        piece added."""
        heads = self._heads
        recent = self._recent
        attribute_texts = self._attributes
        inputs = self._inputs
        last = account = path = None  # the last finding's resource, account and input
        resource = tail = ""
        # the number `_shape` gives the attributes of the last resource that asked (`known`):
        # kept while the next resources hold equal ones (a plan's resources of one type)
        shape = known = None
        for f in findings:
            verdict = f.verdict
            res = verdict.resource
            status = verdict.status
            suppression = f.suppression
            shown = "skipped" if suppression else status
            # the params as the message prints them (`Verdict.shown_params`), asked only of
            # a resource with sensitive values: the others' are the verdict's own
            params = verdict.shown_params() if res.sensitive else verdict.params
            # the head up to the message's text, by what decides it: first the head of
            # the rule's last finding, when this one has the same message key, status
            # shown, provider and params (a plan's resources of one type follow one
            # another: their verdicts of a rule are alike), else one look-up
            before = recent.get(f.meta.id)
            if (before is not None and before[0] == verdict.message and before[1] == shown
                    and before[2] == res.provider and (not params or keyable(params))
                    and before[3] == params):  # compared once their types are known
                head = before[4]
            else:
                values = params_key(params) if params else ()
                if values is None:  # a param whose text may not be its value: not kept
                    head = self._head(f, shown, params)
                else:
                    key = (f.meta.id, shown, res.provider, verdict.message, values)
                    head = heads.get(key)
                    if head is None:
                        head = heads[key] = self._head(f, shown, params)
                    recent[f.meta.id] = (verdict.message, shown, res.provider, params, head)
            if res is not last or f.account != account:  # a resource's findings follow
                last, account = res, f.account              # one another (`engine.run`):
                resource = self._resource(res, account)     # its text once per run of them
                if shape is not None and res.attributes != known:
                    shape = None  # asked again, once, when a finding needs it
            extra = listed = ""
            if suppression:
                extra = ',"suppression":' + _suppression(suppression, status)
            if f.expired_waiver:
                extra += ',"expired_waiver":' + _suppression(f.expired_waiver)
            if status == "pass" and verdict.declared:
                extra += ',"basis":"declared"'
            if verdict.facets:
                if verdict.holder is None:  # the resource's own: kept by (shape, facets)
                    if shape is None:
                        known = res.attributes
                        shape = self._shape(known)
                    key = (shape, verdict.facets)
                    listed = attribute_texts.get(key)
                    if listed is None:
                        listed = attribute_texts[key] = _attributes(verdict.attributes)
                else:  # another resource's, new objects each time (`held_by`)
                    listed = _attributes(verdict.attributes)
            if not with_input:
                yield f"{head}{resource}{extra}{listed}}}"
                continue
            if f.input is not path:
                path = f.input
                tail = inputs.get(path)
                if tail is None:
                    tail = inputs[path] = self._input(path)
            yield f"{head}{resource}{extra}{listed}{tail}"

    def _shape(self, known: dict[str, SourceAttribute]) -> int:
        """A number for the attributes a resource holds (`Resource.attributes`), the same for
        every resource that holds the same attribute objects under the same keys (a plan's
        resources share them, one per attribute path): a finding's attributes
        (`Verdict.attributes`, its facets' attributes when they are its resource's own)
        depend on nothing else, so their text is kept by (shape, facets) and
        `Verdict.attributes` is asked once per shape and facets, not per finding. By
        identity: the resources, so their attributes, live while the report is written."""
        return self._shapes.setdefault((*known, *map(id, known.values())), len(self._shapes))

    def _input(self, path: str) -> str:
        """`,"input":...}`: the input as `input_key` names it (the baseline's key)."""
        return f',"input":{value(self.input_key(path) if self.input_key else path)}}}'

    def _head(self, f: Finding, shown: str, params: Mapping[str, object]) -> str:
        """`{"rule_id":...,"message":"..."`: the rule, the status shown, the rule's severity
        for the resource's provider and the message (of `params`) in the report's language."""
        meta = f.meta
        verdict = f.verdict
        provider = verdict.resource.provider
        message = meta.message_of(verdict.message, self.lang, params)
        return (f'{{"rule_id":{value(meta.id)},"topic":{value(meta.topic)},'
                f'"status":{value(shown)},"severity":{value(meta.severity_for(provider))},'
                f'"message":{value(message)}')

    def _resource(self, res: Resource, account: str | None) -> str:
        """`,"resource":{...}`, the same for every finding of that resource and account: its
        file and line, its region unless the region is a sensitive value."""
        region = res.region if isinstance(res.region, str) and res.region not in res.sensitive \
            else None
        # what many resources share (type, provider, region and origin: a plan's resources
        # share one, `terraform_index.origin_of`) encoded once per report; only the address
        # and account are written per resource
        origin = res.origin
        shared = (res.type, res.provider, region, id(origin))
        place = self._shared.get(shared)
        if place is None:
            place = self._shared[shared] = _place(res.type, res.provider, region, origin)
        if account:
            place += ',"account":' + value(account)
        return f',"resource":{{"address":{value(res.address)}{place}}}'


def as_dicts(findings: Sequence[Finding], lang: str = "en", shared: bool = True
             ) -> Iterator[dict]:
    """Each finding as `Finding.as_dict` gives it (the JSON report version 1's object,
    without `input`), parsed from the text one `FindingText` writes for all of them, so
    that what findings share is encoded once, not once per finding; `shared=False` leaves
    out what its rule shares with every finding of that rule and provider
    (`Finding.shared_dict`)."""
    for f, text in zip(findings, FindingText(lang).texts(findings, with_input=False)):
        out = json.loads(text)
        if shared:
            out.update(f.shared_dict(lang))
        yield out


def _place(type_: str, provider: str, region: str | None, origin: Origin) -> str:
    """`,"type":...` up to the resource's last line or cloud id: what resources of one type,
    provider, region and origin share."""
    text = (f',"type":{value(type_)},"provider":{value(provider)},"region":{value(region)},'
            f'"file":{value(origin.file)},"line":{value(origin.line)}')
    if origin.end_line:
        text += f',"end_line":{value(origin.end_line)}'
    if origin.cloud_id:
        text += f',"cloud_id":{value(origin.cloud_id)}'
    return text


def _attributes(attributes: tuple[SourceAttribute, ...]) -> str:
    if not attributes:
        return ""
    return ',"attributes":[' + ",".join(_attribute(a) for a in attributes) + "]"
