"""What every Terraform adapter is built on (`hds_iac.adapters.terraform_index`): the
handler table and the index that links records (by reference, by base address, by id or
ARN). A link found wrong or not found changes verdicts (a subnet's zone, a bucket's
policy); the mutation run (scripts/mutation.py) showed these had no test."""
from __future__ import annotations

import dataclasses

import pytest

from hds_iac.adapters.terraform_index import (
    Handlers, TfIndex, base_address, block_path, origin_of,
)
from hds_iac.model import Resource
from test_adapter_aws import rec, ref


def _made(kind: str):
    def adapter(r, index):
        return [Resource(address=r.address, type=r.type, provider="aws", kind=kind,
                         region="eu-west-3", origin=origin_of(r))]
    return adapter


def test_handlers_dispatch_the_providers_managed_records_only():
    handlers = Handlers("aws")
    handlers.handles("aws_ebs_volume", kinds=("volume",))(_made("volume"))
    handlers.handles("aws_thing")(_made("bucket"))
    assert [r.address for r in handlers.adapt(rec("aws_ebs_volume.v"), TfIndex([]))] == \
        ["aws_ebs_volume.v"]
    assert handlers.adapt(rec("data.aws_ebs_volume.v"), TfIndex([])) == []
    other = dataclasses.replace(rec("aws_ebs_volume.v"), provider="outscale")
    assert handlers.adapt(other, TfIndex([])) == []
    assert handlers.adapt(rec("aws_unknown_type.x"), TfIndex([])) == []
    assert len(handlers.adapt(rec("aws_thing.t"), TfIndex([]))) == 1  # undeclared: any kind
    assert handlers.types() == ["aws_ebs_volume", "aws_thing"]
    assert handlers.kinds_of("aws_ebs_volume") == frozenset({"volume"})
    assert handlers.kinds_of("aws_thing") is None
    assert handlers.get("aws_thing") is not None and handlers.get("nope") is None


def test_an_adapter_that_makes_an_undeclared_kind_is_refused():
    handlers = Handlers("aws")
    handlers.handles("aws_ebs_volume", kinds=("volume",))(_made("bucket"))
    with pytest.raises(ValueError, match="declares only"):
        handlers.adapt(rec("aws_ebs_volume.v"), TfIndex([]))
    with pytest.raises(ValueError, match="has no handler"):
        Handlers("aws", {}, kinds={"aws_x": ("volume",)})
    table = Handlers("aws", {"aws_x": _made("volume")}, kinds={"aws_x": ("volume",)})
    assert table.kinds_of("aws_x") == frozenset({"volume"})


def test_the_index_links_by_reference_base_address_and_id():
    subnet = rec("aws_subnet.a", {"id": "subnet-1", "arn": "arn:aws:ec2:::subnet/subnet-1"})
    masked = rec("aws_subnet.m", {"id": "####"})
    first, second = rec("aws_subnet.b[0]"), rec("aws_subnet.b[1]")
    one_of = rec('module.m["x"].aws_subnet.c[0]')
    index = TfIndex([subnet, masked, first, second, one_of,
                     rec("aws_subnet.a2", {"id": "subnet-1"})])
    assert index.resolve(ref("aws_subnet.a")) is subnet
    assert index.resolve("subnet-1") is subnet  # the first record with that id
    assert index.resolve("arn:aws:ec2:::subnet/subnet-1") is subnet
    assert index.resolve("####") is None and index.resolve("") is None
    assert index.resolve(ref("aws_subnet.b")) is None  # two instances: which one is not known
    assert index.resolve(ref("aws_subnet.b[1]")) is second
    assert index.resolve(ref("module.m.aws_subnet.c")) is one_of
    assert index.resolve(ref("aws_subnet.a"), ("aws_vpc",)) is None
    assert index.resolve(ref("aws_vpc.v", "aws_subnet.a"), ("aws_subnet",)) is subnet
    assert index.resolve(42) is None
    assert index.of_type("aws_subnet") == index.records and index.of_type("aws_vpc") == []
    assert index.of_type("aws_vpc", "aws_subnet") == index.records
    assert index.of_type("aws_subnet", mode="data") == []


@pytest.mark.parametrize("address, expected", [
    ("aws_s3_bucket.b", "aws_s3_bucket.b"),
    ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
    ('module.a["x"].aws_s3_bucket.b[0]', "module.a.aws_s3_bucket.b"),
    ('aws_s3_bucket.b["a[1]"]', "aws_s3_bucket.b"),           # a bracket inside a key
    ('module.a["k]"].aws_s3_bucket.b', "module.a.aws_s3_bucket.b"),  # once `module.a"`
    ('module.a[""].aws_s3_bucket.b["x"]', "module.a.aws_s3_bucket.b"),  # an empty key
    ('module.a["k\\"]"].aws_s3_bucket.b["[x"]', "module.a.aws_s3_bucket.b"),
    # brackets that pair up inside a quoted key (the regular expression for count keys
    # would take `["x]` and `["]` for two keys and keep `y`)
    ('module.a["x]y["].aws_s3_bucket.b[0]', "module.a.aws_s3_bucket.b"),
])
def test_base_address(address, expected):
    assert base_address(address) == expected


def test_block_path():
    assert block_path("ingress", 0, "from_port") == "ingress.from_port"
    assert block_path("ingress", 1, "from_port") == "ingress[1].from_port"


def test_origin_of_keeps_a_line_or_an_end_line_given_alone():
    """A resource of code whose block has no source map (a line, no end line), or the
    reverse, keeps the line it has: only a resource with neither (plans and states) gets
    the origin shared by its file."""
    only_line = dataclasses.replace(rec("aws_s3_bucket.b"), line=5, end_line=None)
    assert (origin_of(only_line).line, origin_of(only_line).end_line) == (5, None)
    only_end = dataclasses.replace(only_line, line=None, end_line=9)
    assert (origin_of(only_end).line, origin_of(only_end).end_line) == (None, 9)
    planned = dataclasses.replace(only_line, source="plan", line=None)
    assert origin_of(planned) is origin_of(dataclasses.replace(planned, address="aws_s3_bucket.c"))
