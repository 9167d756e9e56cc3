"""nbgrader glue: release the exercises, grade a class, write feedback and a report, validate."""

import sys

# jsonschema (under nbformat) imports rfc3987_syntax when it is installed (JupyterLab's
# dependencies bring it), and that builds an IRI grammar for about a second at import. No
# notebook schema checks an IRI, and every grading process (each submission's sandboxed run,
# each checker, each command) would pay that second: jsonschema skips the IRI format instead.
sys.modules.setdefault("rfc3987_syntax", None)
