"""`--shard I/N`: the split is a pure function of each unit's own name, the same on every
machine and in every release (workers of one scan may run different builds during a
rollout), and it spreads an organisation's units over the shards."""
from __future__ import annotations

import argparse
from collections import Counter

import pytest

from hds_iac.live.shard import GLOBAL, Shard, parse, unit_shard

REGIONS = ("eu-west-3", "eu-west-1", "eu-central-1", "eu-north-1", "us-east-1", GLOBAL)


def test_a_unit_always_lands_in_the_same_shard():
    # Values fixed once: a change of hash would split one scan differently between an
    # old and a new worker (units read twice or never).
    assert [unit_shard("123456789012", r, 4) for r in
            ("eu-west-3", "eu-west-2", "eu-central-1", GLOBAL)] == [2, 0, 1, 0]


def test_every_unit_has_exactly_one_shard_and_shards_are_balanced():
    units = [(f"{n:012d}", r) for n in range(100) for r in REGIONS]
    for count in (1, 2, 4, 7):
        owners = Counter(sum(Shard(i, count).owns(a, r) for i in range(count)) for a, r in units)
        assert owners == Counter({1: len(units)})
        sizes = Counter(unit_shard(a, r, count) for a, r in units)
        assert len(sizes) == count and min(sizes.values()) > len(units) / count * 0.7, sizes


@pytest.mark.parametrize("text", ["0/1", "3/4", " 2/3 "])
def test_parse(text):
    shard = parse(text)
    assert 0 <= shard.index < shard.count and str(shard) == text.strip()


@pytest.mark.parametrize("text", ["4/4", "1", "a/b", "-1/3", "0/0", "1/2/3", "0/10001", ""])
def test_parse_refuses(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse(text)
