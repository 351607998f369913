"""Reading Terraform records, whatever the provider: typed values and links between records.

Records come from HCL, plans and states. Values may be Unknown (with `refs` in code and
plans), booleans written as strings ("true"), masked or otherwise odd: every reader here
returns either a clean value, the attribute's documented default when it is omitted, or an
`Unknown` saying why. Nothing here turns an Unknown into a bool. The AWS and Outscale
adapters both read their records through these functions.
"""
from __future__ import annotations

from typing import Any, Callable

from hds_iac.adapters.terraform_index import TfIndex, base_address
from hds_iac.model import Maybe, Unknown
from hds_iac.terraform.json_shape import SENSITIVE
from hds_iac.terraform.records import TfResource

# --- typed reads --------------------------------------------------------------------


def fully_masked(value: Any) -> bool:
    """A value redacted to "####" (published state files hide values that way): unknown,
    never a real setting."""
    return isinstance(value, str) and value != "" and not value.strip("#")


def computed_default(rec: TfResource, value: Any) -> bool:
    """In a plan, an Optional+Computed attribute the configuration omits shows up as
    "known after apply" with no reference: it is the default, not a real unknown."""
    return (rec.source == "plan" and isinstance(value, Unknown) and not value.refs
            and value.reason != SENSITIVE)


def as_bool(value: Any, name: str, default: Maybe[bool] | None = None) -> Maybe[bool] | None:
    if value is None:
        return default
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low == "true":
            return True
        if low == "false":
            return False
        if low == "":
            return default
    return Unknown(f"unexpected value for {name}")


def as_int(value: Any, name: str, default: Maybe[int] | None = None) -> Maybe[int] | None:
    if value is None:
        return default
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(f"unexpected value for {name}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return Unknown(f"unexpected value for {name}")


def as_str(value: Any, name: str, default: Maybe[str] | None = None) -> Maybe[str] | None:
    """A non-empty string, `default` when absent or empty."""
    if value is None or value == "":
        return default
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return Unknown(f"unexpected value for {name}")


def _typed_get(convert: Callable[[Any, str, Any], Any]) -> Callable[..., Any]:
    """`get_bool`, `get_int`, `get_str`: `get_x(rec, name, default=None, values=None)` reads
    attribute `name` of `rec` (or of its nested block `values`) through `convert`
    (`as_bool`...), `default` when absent or, in a plan, when it is the default
    (`computed_default`, asked only of an `Unknown`: most values are not)."""
    def get(rec: TfResource, name: str, default: Any = None,
            values: dict | None = None) -> Any:
        raw = (rec.values if values is None else values).get(name)
        if isinstance(raw, Unknown) and computed_default(rec, raw):
            return default
        return convert(raw, name, default)
    return get


get_bool: Callable[..., Maybe[bool] | None] = _typed_get(as_bool)
get_int: Callable[..., Maybe[int] | None] = _typed_get(as_int)
get_str: Callable[..., Maybe[str] | None] = _typed_get(as_str)


def is_set(rec: TfResource, value: Any) -> Maybe[bool]:
    """An optional argument (a KMS key...) is configured: known string or a reference."""
    if value is None or value == "":
        return False
    if isinstance(value, Unknown):
        if computed_default(rec, value):
            return False
        return True if value.refs else value
    return True


def blocks(value: Any, name: str = "") -> Maybe[list[dict]]:
    """Nested blocks as a list of dicts (`[]` when absent)."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return [value]
    if isinstance(value, (list, tuple)):
        for item in value:  # a loop, not all(...) of a generator: a frame less per list
            if not isinstance(item, dict):
                break
        else:
            return list(value)
    return Unknown(f"unexpected value for {name or 'a nested block'}")


def get_blocks(rec: TfResource, name: str, values: dict | None = None) -> Maybe[list[dict]]:
    raw = (rec.values if values is None else values).get(name)
    if isinstance(raw, Unknown) and computed_default(rec, raw):
        return []
    return blocks(raw, name)


def known_blocks(rec: TfResource, name: str, values: dict | None = None) -> list[dict]:
    got = get_blocks(rec, name, values)
    return [] if isinstance(got, Unknown) else got


def first_block(rec: TfResource, name: str, values: dict | None = None) -> dict:
    got = known_blocks(rec, name, values)
    return got[0] if got else {}


def has(value: Any) -> bool:
    """The value is given (possibly unknown): not None and not an empty string/list."""
    if isinstance(value, Unknown):
        return True
    return value is not None and value != "" and value != [] and value != {}


def as_list(value: Any) -> Maybe[list]:
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


# --- links between records ----------------------------------------------------------


def ids_of(rec: TfResource, *extra: str) -> tuple[str, ...]:
    out: list[str] = []
    for key in ("id", "arn", *extra):
        value = rec.values.get(key)
        if isinstance(value, str) and value and value not in out:
            out.append(value)
    return tuple(out)


def resolve_all(index: TfIndex, value: Any, types: tuple[str, ...]) -> list[TfResource]:
    """Every record a value (a reference, a splat, an id, or a list of them) points at."""
    found: list[TfResource] = []

    def add(rec: TfResource | None) -> None:
        if rec is not None and all(rec is not f for f in found) and (not types or rec.type in types):
            found.append(rec)

    if isinstance(value, Unknown):
        for ref in value.refs:
            if ref in index.by_address:
                add(index.by_address[ref])
            else:  # a splat (`aws_subnet.app[*].id`) names every instance
                for rec in index.by_base.get(base_address(ref), []):
                    add(rec)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            for rec in resolve_all(index, item, types):
                add(rec)
    elif isinstance(value, str):
        add(index.resolve(value, types))
    return found


def _by_name(index: TfIndex, types: tuple[str, ...], key: str) -> dict[str, TfResource]:
    cache = index.memo.setdefault("names", {})
    table = cache.get((types, key))
    if table is None:
        table = {}
        for t in types:
            for rec in index.of_type(t):
                value = rec.values.get(key)
                if isinstance(value, str) and value:
                    table.setdefault(value, rec)
        cache[(types, key)] = table
    return table


def resolve_one(index: TfIndex, value: Any, types: tuple[str, ...],
                name_keys: tuple[str, ...] = ()) -> TfResource | None:
    """The record a single-valued link points at; by reference, id/arn, or a name attribute
    (`bucket`, `name`, `identifier`...) when ids are not known yet (plans)."""
    rec = index.resolve(value, types)
    if rec is not None:
        return rec
    if isinstance(value, Unknown):
        # index.resolve followed every reference: what it left names no record of `types`,
        # or several instances (a splat), never a single record (found by mutation testing:
        # a second look through resolve_all could not find one more).
        return None
    if isinstance(value, str) and value and name_keys:
        for key in name_keys:
            rec = _by_name(index, types, key).get(value)
            if rec is not None:
                return rec
    return None


def _links(index: TfIndex, attribute: str, types: tuple[str, ...]) -> tuple[dict, dict]:
    """Reverse links of `attribute` over records of `types`: by target record, by string."""
    cache = index.memo.setdefault("links", {})
    got = cache.get((attribute, types))
    if got is None:
        by_rec: dict[int, list[TfResource]] = {}
        by_str: dict[str, list[TfResource]] = {}

        def walk(rec: TfResource, value: Any) -> None:
            if isinstance(value, (list, tuple)):
                for item in value:
                    walk(rec, item)
            elif isinstance(value, Unknown):
                for target in resolve_all(index, value, ()):
                    by_rec.setdefault(id(target), []).append(rec)
            elif isinstance(value, str) and value:
                by_str.setdefault(value, []).append(rec)

        for t in types:
            for rec in index.of_type(t):
                walk(rec, rec.values.get(attribute))
        got = cache[(attribute, types)] = (by_rec, by_str)
    return got


def linked(index: TfIndex, target: TfResource | str, attribute: str, types: tuple[str, ...],
           name_keys: tuple[str, ...] = ()) -> list[TfResource]:
    """Records of `types` whose `attribute` points at `target` (by reference, id, arn or
    name), or names it when `target` is a plain name (a group outside this configuration)."""
    by_type = index.by_type
    for type_ in types:
        if type_ in by_type:
            break
    else:  # no record of `types` in this input (most inputs): nothing can link
        return []
    by_rec, by_str = _links(index, attribute, types)
    if isinstance(target, str):
        keys: list[str] = [target]
        found = list(by_str.get(target, []))
    else:
        found = list(by_rec.get(id(target), []))
        # the target's ids and names, looked up only when some record names one by a
        # string (a bucket's six side resources are usually none: no look-up at all)
        keys = [*ids_of(target), *(v for v in (target.values.get(k) for k in name_keys)
                                   if isinstance(v, str) and v)] if by_str else []
    for key in keys:
        for rec in by_str.get(key, []):
            if all(rec is not f for f in found):
                found.append(rec)
    return found


def points_at(index: TfIndex, value: Any, target: TfResource, types: tuple[str, ...],
              name_keys: tuple[str, ...]) -> bool:
    if isinstance(value, (list, tuple)):
        return any(points_at(index, v, target, types, name_keys) for v in value)
    if isinstance(value, Unknown):
        return any(rec is target for rec in resolve_all(index, value, types))
    if isinstance(value, str) and value:
        if value in ids_of(target):
            return True
        return any(target.values.get(key) == value for key in name_keys)
    return False


def _show(value: Any) -> str:
    if isinstance(value, Unknown):
        return ", ".join(value.refs) or value.reason
    return str(value)


def show(value: Any) -> str:
    return _show(value)


def not_in_configuration(what: str, value: Any) -> Unknown:
    """`what` (a parameter group, a bucket...) named by `value` was not found: either the
    name is not known (say why, not "X <reason> is not in this configuration") or nothing
    of that name is in the configuration read."""
    if isinstance(value, Unknown) and not value.refs:
        return Unknown(f"the {what} is not known ({value.reason})")
    return Unknown(f"{what} {_show(value)} is not in this configuration")

