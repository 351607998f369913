"""Scan history: runs recorded in an embedded SQLite store (`--store PATH`).

An HDS host is audited over a three-year cycle: it must show that controls ran all along,
what broke and how fast it was fixed. Each `scan`/`live` run with `--store` (or each
`history import` of result files) becomes one run of a *scope* (the inputs or the
account/regions it covered), and each finding gets a stable identity (rule, input,
address) with first-seen, last-seen and fixed-at dates.

- `store.py`: the SQLite file itself (standard library only: schema, migrations,
  concurrent writers, bounded reads);
- `record.py`: a JSON result (the contract of `-o json`) into a run to record;
- `analysis.py`: diff of two runs, trends, time to fix;
- `period.py`, `period_html.py`: the HDS report over a period;
- `cli.py`: `hds-iac history ...` and the `--store`/`--fail-on-new` options of scans.
"""
