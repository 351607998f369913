"""The official Outscale OpenAPI spec (bundled with osc-sdk-python) as JSON-schema validators."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_URI = "urn:outscale-api"


def spec_path() -> Path:
    import osc_sdk_python

    return Path(osc_sdk_python.__file__).parent / "resources" / "outscale.yaml"


@lru_cache(maxsize=1)
def load() -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(spec_path(), encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


class Validator:
    """Request/response bodies of an action checked against `<Action>Request`/`Response`.

    OpenAPI 3.0 schema objects are JSON-schema draft-4/7 compatible for what the Outscale
    spec uses (types, properties, additionalProperties, items, required, $ref)."""

    def __init__(self, spec: dict | None = None):
        self.spec = spec or load()
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(self.spec, default_specification=DRAFT7))
        self._cache: dict[str, Draft7Validator] = {}

    def actions(self) -> set[str]:
        return {path.lstrip("/") for path in self.spec["paths"]}

    def _validator(self, name: str) -> Draft7Validator:
        if name not in self._cache:
            if name not in self.spec["components"]["schemas"]:
                raise KeyError(name)
            self._cache[name] = Draft7Validator(
                {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, registry=self.registry)
        return self._cache[name]

    def errors(self, schema: str, body: object) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                for e in self._validator(schema).iter_errors(body)]
