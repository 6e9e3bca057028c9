"""Personal-data guard for SCDL files (no CKAN import): detectors and the ``privacy`` section of a
conformity report. ``scan(headers, rows, mapping=..., schema_name=..., settings=Settings(...))``."""
from .scan import DETECTORS, NOTHING_FOUND, TO_CHECK, Finding, PrivacyReport, Settings, scan

__all__ = ["DETECTORS", "NOTHING_FOUND", "TO_CHECK", "Finding", "PrivacyReport", "Settings", "scan"]
