"""Data about cloud providers: regions and their countries (installed as `hds_iac.providers`)."""
