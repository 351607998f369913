"""What a scan is judged against: the allowed area and the thresholds users may tune."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hds_iac import geography

if TYPE_CHECKING:
    from hds_iac.catalogue import Text


@dataclass
class Settings:
    """The thresholds and tags the rules read: defaults, then the configuration file, then
    the command line (`command._settings`)."""

    # ISO country codes where health data may be stored; default: the whole EEA (EXI 28).
    # Users may narrow it (e.g. France only).
    allowed_countries: frozenset[str] = field(default_factory=lambda: geography.load().eea)
    min_backup_retention_days: int = 7
    max_access_key_age_days: int = 90
    # Shortest console password the AWS account policy may allow (HDS-MFA-005): ANSSI's
    # guide leaves the length to the security level (R21); see the rule's rationale.
    min_password_length: int = 12
    max_snapshot_age_days: int = 1
    # Shortest retention of a log group (HDS-LOG-007): six months, the low end of the CNIL's
    # recommendation on logging (deliberation 2021-122); see the rule's rationale.
    min_log_retention_days: int = 180
    # Tag (key) by which a user attests client-side encryption of a volume or VM where the
    # provider cannot show it (Outscale: LUKS inside the VM). Any non-empty value other than
    # "false"/"no"/"0" counts as an attestation.
    encryption_attestation_tag: str = "hds-iac:encryption"
    # Tag (key) by which a user declares that a VM's access logs are collected off the VM
    # where the provider shows nothing of them (Outscale, HDS-LOG-008): "false"/"no"/"0"
    # declares they are not.
    logging_attestation_tag: str = "hds-iac:logging"
    # Tag by which a user attests that a volume is backed up by means outside the scanned
    # configuration (Outscale takes no automatic backup: matrix §20).
    backup_attestation_tag: str = "hds-iac:backup"
    # Tag by which a user declares which buckets hold health data (HDS-LOG-009): every
    # bucket does unless this tag says "false"/"no"/"0" (a bucket of logs, of static
    # assets); see the rule's rationale.
    health_data_tag: str = "hds-iac:health-data"
    # Responsibility matrices replacing or extending the bundled ones (--matrix FILE): the
    # client duties each finding links to, from its own provider's matrix only.
    matrix_files: tuple[str, ...] = ()

    @property
    def allowed_text(self) -> "Text":
        """The allowed area in both languages ("EEA" / "EEE"), for rule messages."""
        return geography.load().area_text(self.allowed_countries)

    @property
    def allowed_label(self) -> str:
        geo = geography.load()
        if self.allowed_countries == geo.eea:
            return "EEA"
        return ", ".join(sorted(self.allowed_countries))
