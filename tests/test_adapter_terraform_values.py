"""Reading Terraform records whatever the provider (hds_iac/adapters/terraform_values.py):
typed reads with their defaults and Unknowns, and the links between records."""
from __future__ import annotations

import pytest

from hds_iac.adapters import terraform_values as tv
from hds_iac.adapters.terraform_index import TfIndex
from hds_iac.model import Unknown
from hds_iac.terraform.json_shape import SENSITIVE
from hds_iac.terraform.records import TfResource


def rec(address: str, values: dict | None = None, *, source: str = "hcl",
        mode: str = "managed") -> TfResource:
    rtype, name = address.split(".")[-2], address.split(".")[-1].split("[")[0]
    return TfResource(address=address, mode=mode, type=rtype, name=name, provider="aws",
                      provider_region="eu-west-3", values=values or {}, source=source,
                      file="main.tf", line=1)


def ref(*addresses: str) -> Unknown:
    return Unknown("known after apply", refs=addresses)


AFTER_APPLY = Unknown("known after apply")  # no reference: an omitted computed attribute


def test_fully_masked():
    assert tv.fully_masked("####") is True
    assert tv.fully_masked("#") is True
    assert tv.fully_masked("") is False
    assert tv.fully_masked("##id-3##") is False
    assert tv.fully_masked(None) is False


def test_computed_default_only_in_plans_without_reference():
    plan = rec("aws_x.a", source="plan")
    assert tv.computed_default(plan, AFTER_APPLY) is True
    assert tv.computed_default(plan, ref("aws_y.b")) is False
    assert tv.computed_default(plan, Unknown(SENSITIVE)) is False
    assert tv.computed_default(rec("aws_x.a"), AFTER_APPLY) is False
    assert tv.computed_default(plan, None) is False


@pytest.mark.parametrize("value, expected", [
    (None, "D"), ("", "D"), (" TRUE ", True), ("False", False), (True, True), (False, False),
])
def test_as_bool(value, expected):
    assert tv.as_bool(value, "x", "D") == expected


def test_as_bool_unknown_and_odd_values():
    assert tv.as_bool(AFTER_APPLY, "x") is AFTER_APPLY
    for odd in ("yes", 1, [True]):
        got = tv.as_bool(odd, "flag")
        assert isinstance(got, Unknown) and got.reason == "unexpected value for flag"


def test_get_bool_int_str_in_plans_give_the_default_for_omitted_values():
    plan = rec("aws_x.a", {"b": AFTER_APPLY, "i": AFTER_APPLY, "s": AFTER_APPLY}, source="plan")
    assert tv.get_bool(plan, "b", False) is False
    assert tv.get_int(plan, "i", 7) == 7
    assert tv.get_str(plan, "s", "d") == "d"
    code = rec("aws_x.a", {"b": "true", "i": "3", "s": "v"})
    assert tv.get_bool(code, "b") is True and tv.get_int(code, "i") == 3 and tv.get_str(code, "s") == "v"
    assert tv.get_bool(code, "x", values={"x": "false"}) is False
    assert tv.get_int(code, "x", values={"x": 4}) == 4
    assert tv.get_str(code, "x", values={"x": "w"}) == "w"


@pytest.mark.parametrize("value, expected", [
    (None, 9), (5, 5), (0, 0), (3.0, 3), (" 12 ", 12), ("-1", -1),
])
def test_as_int(value, expected):
    assert tv.as_int(value, "n", 9) == expected


@pytest.mark.parametrize("value", [True, False, 2.5, "1.5", "ten", "", [1]])
def test_as_int_odd_values(value):
    got = tv.as_int(value, "n", 9)
    assert isinstance(got, Unknown) and got.reason == "unexpected value for n"


def test_as_str():
    assert tv.as_str(None, "s", "d") == "d"
    assert tv.as_str("", "s", "d") == "d"
    assert tv.as_str("v", "s") == "v"
    assert tv.as_str(3, "s") == "3"
    assert tv.as_str(2.5, "s") == "2.5"
    assert tv.as_str(AFTER_APPLY, "s") is AFTER_APPLY
    for odd in (True, ["v"], {"a": 1}):
        assert isinstance(tv.as_str(odd, "s"), Unknown)


def test_is_set():
    code, plan = rec("aws_x.a"), rec("aws_x.a", source="plan")
    assert tv.is_set(code, None) is False
    assert tv.is_set(code, "") is False
    assert tv.is_set(code, "key") is True
    assert tv.is_set(code, ref("aws_kms_key.k")) is True
    assert tv.is_set(plan, AFTER_APPLY) is False
    assert tv.is_set(code, AFTER_APPLY) is AFTER_APPLY


def test_blocks():
    assert tv.blocks(None) == []
    assert tv.blocks({"a": 1}) == [{"a": 1}]
    assert tv.blocks(({"a": 1}, {"b": 2})) == [{"a": 1}, {"b": 2}]
    assert tv.blocks(AFTER_APPLY) is AFTER_APPLY
    assert tv.blocks("x", "rule").reason == "unexpected value for rule"
    assert tv.blocks([{"a": 1}, "x"]).reason == "unexpected value for a nested block"
    plan = rec("aws_x.a", {"rule": AFTER_APPLY, "odd": "x"}, source="plan")
    assert tv.get_blocks(plan, "rule") == []
    assert tv.known_blocks(plan, "odd") == []
    assert tv.first_block(plan, "odd") == {}
    code = rec("aws_x.a", {"rule": [{"a": 1}, {"a": 2}]})
    assert tv.known_blocks(code, "rule") == [{"a": 1}, {"a": 2}]
    assert tv.first_block(code, "rule") == {"a": 1}
    assert tv.first_block(code, "x", values={"x": {"b": 1}}) == {"b": 1}


@pytest.mark.parametrize("value, expected", [
    (None, False), ("", False), ([], False), ({}, False), (AFTER_APPLY, True), (0, True),
    (False, True), ("x", True),
])
def test_has(value, expected):
    assert tv.has(value) is expected


def test_as_list():
    assert tv.as_list(None) == []
    assert tv.as_list(AFTER_APPLY) is AFTER_APPLY
    assert tv.as_list(("a", "b")) == ["a", "b"]
    assert sorted(tv.as_list({"a", "b"})) == ["a", "b"]
    assert tv.as_list("a") == ["a"]


def test_ids_of():
    got = tv.ids_of(rec("aws_x.a", {"id": "i", "arn": "i", "name": "n", "empty": ""}), "name", "empty")
    assert got == ("i", "n")


def test_resolve_all_by_reference_splat_list_and_id():
    a0 = rec("aws_subnet.a[0]", {"id": "subnet-0"})
    a1 = rec("aws_subnet.a[1]", {"id": "subnet-1"})
    other = rec("aws_vpc.v", {"id": "vpc-1"})
    index = TfIndex([a0, a1, other])
    assert tv.resolve_all(index, ref("aws_subnet.a"), ()) == [a0, a1]  # every instance
    assert tv.resolve_all(index, ref("aws_subnet.a[1]"), ()) == [a1]
    assert tv.resolve_all(index, ["subnet-1", "subnet-1", "vpc-1"], ("aws_subnet",)) == [a1]
    assert tv.resolve_all(index, "vpc-1", ()) == [other]
    assert tv.resolve_all(index, ref("aws_subnet.a", "aws_vpc.v"), ("aws_vpc",)) == [other]
    assert tv.resolve_all(index, 5, ()) == []


def test_of_type_managed_only():
    a = rec("aws_x.a")
    b = rec("aws_y.b")
    data = rec("aws_x.d", mode="data")
    index = TfIndex([a, b, data])
    assert index.of_type("aws_x") == [a]
    assert index.of_type("aws_x", "aws_y") == [a, b]
    assert index.of_type("aws_z") == []
    assert index.of_type("aws_x", mode="data") == [data]


def test_resolve_one_by_reference_id_or_name():
    a = rec("aws_s3_bucket.a", {"bucket": "logs", "id": "logs"})
    b = rec("aws_s3_bucket.b", {"bucket": "data"})
    index = TfIndex([a, b])
    assert tv.resolve_one(index, ref("aws_s3_bucket.b"), ("aws_s3_bucket",)) is b
    assert tv.resolve_one(index, "data", ("aws_s3_bucket",), name_keys=("bucket",)) is b
    assert tv.resolve_one(index, "data", ("aws_s3_bucket",)) is None
    assert tv.resolve_one(index, "data", ("aws_s3_bucket",), name_keys=("other", "bucket")) is b
    assert tv.resolve_one(index, ref("aws_s3_bucket.a", "aws_s3_bucket.b"), ()) is a
    assert tv.resolve_one(index, ref("aws_s3_bucket.a"), ("aws_kms_key",)) is None
    # several instances behind one reference: not a single record
    s0, s1 = rec("aws_subnet.s[0]"), rec("aws_subnet.s[1]")
    two = TfIndex([s0, s1])
    assert tv.resolve_one(two, ref("aws_subnet.s"), ()) is None
    assert tv.resolve_one(TfIndex([s0]), ref("aws_subnet.s"), ()) is s0
    assert tv.resolve_one(index, ref("aws_s3_bucket.a"), ("aws_kms_key",)) is None


def test_linked_and_points_at():
    vault = rec("aws_backup_vault.v", {"name": "main", "id": "vault-id"})
    by_ref = rec("aws_backup_vault_lock_configuration.r", {"backup_vault_name": ref("aws_backup_vault.v")})
    by_name = rec("aws_backup_vault_lock_configuration.n", {"backup_vault_name": ["main"]})
    by_id = rec("aws_backup_vault_lock_configuration.i", {"backup_vault_name": "vault-id"})
    other = rec("aws_backup_vault_lock_configuration.o", {"backup_vault_name": "other"})
    index = TfIndex([vault, by_ref, by_name, by_id, other])
    types = ("aws_backup_vault_lock_configuration",)
    got = tv.linked(index, vault, "backup_vault_name", types, name_keys=("name",))
    assert got == [by_ref, by_id, by_name]
    assert tv.linked(index, "other", "backup_vault_name", types) == [other]
    assert tv.points_at(index, ["x", "main"], vault, ("aws_backup_vault",), ("name",)) is True
    assert tv.points_at(index, "vault-id", vault, ("aws_backup_vault",), ()) is True
    assert tv.points_at(index, "main", vault, ("aws_backup_vault",), ()) is False
    assert tv.points_at(index, ref("aws_backup_vault.v"), vault, ("aws_backup_vault",), ()) is True
    assert tv.points_at(index, None, vault, ("aws_backup_vault",), ("name",)) is False


def test_show_and_not_in_configuration():
    assert tv.show(ref("a.b", "c.d")) == "a.b, c.d"
    assert tv.show(Unknown("why")) == "why"
    assert tv.show(3) == "3"
    assert tv.not_in_configuration("bucket", Unknown("var.name")).reason \
        == "the bucket is not known (var.name)"
    assert tv.not_in_configuration("bucket", ref("aws_s3_bucket.x")).reason \
        == "bucket aws_s3_bucket.x is not in this configuration"
    assert tv.not_in_configuration("bucket", "logs").reason == "bucket logs is not in this configuration"


def test_of_type_answers_from_its_cache():
    """Adapters ask for the records of one type record after record: the answer is built
    once per index."""
    a = rec("aws_x.a")
    index = TfIndex([a, rec("aws_y.b")])
    first = index.of_type("aws_x")
    assert first == [a] and index.of_type("aws_x") is first


def test_links_skip_values_that_are_not_names():
    """A hand-written attribute may hold a list or a map where a name is expected: it names
    nothing, and no link read crashes on it."""
    odd = rec("aws_s3_bucket.odd", {"bucket": {"k": "v"}, "id": ["x"]})
    named = rec("aws_s3_bucket.named", {"bucket": "data"})
    index = TfIndex([odd, named])
    assert tv.resolve_one(index, "data", ("aws_s3_bucket",), name_keys=("bucket",)) is named
    assert tv.resolve_one(index, ["data"], ("aws_s3_bucket",), name_keys=("bucket",)) is None
    assert tv.resolve_one(index, {"k": "v"}, ("aws_s3_bucket",), name_keys=("bucket",)) is None
    side = rec("aws_s3_bucket_policy.p", {"bucket": {"k": "v"}})
    by_name = rec("aws_s3_bucket_policy.n", {"bucket": "data"})
    index = TfIndex([odd, named, side, by_name])
    types = ("aws_s3_bucket_policy",)
    assert tv.linked(index, named, "bucket", types, name_keys=("bucket",)) == [by_name]
    assert tv.linked(index, odd, "bucket", types, name_keys=("bucket", "id")) == []


def test_points_at_needs_an_equal_name():
    vault = rec("aws_backup_vault.v", {"name": "main", "id": "vault-id", "tags": {"k": "v"}})
    index = TfIndex([vault])
    types = ("aws_backup_vault",)
    assert tv.points_at(index, "main", vault, types, ("name",)) is True
    assert tv.points_at(index, "other", vault, types, ("name",)) is False
    # a map equal to the target's map is not a name
    assert tv.points_at(index, {"k": "v"}, vault, types, ("tags",)) is False
    unnamed = rec("aws_backup_vault.u", {"name": ""})
    assert tv.points_at(TfIndex([unnamed]), "", unnamed, types, ("name",)) is False
