"""XBRL 2.1 export: a taxonomy package derived from the taxonomy, and instances (XML and xBRL-JSON).

See docs/xbrl.md for the design (namespaces, typed dimensions, periods, entity identifiers, which
rules are calculation relationships and which XBRL cannot express).
"""

from .export import FORMATS, export_xbrl
from .instance import XbrlReport, build_report, to_xml
from .oim import to_json
from .package import package_files, zip_bytes

__all__ = ["FORMATS", "XbrlReport", "build_report", "export_xbrl", "package_files", "to_json", "to_xml", "zip_bytes"]
