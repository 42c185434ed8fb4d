"""Survey-export importers (pure Python, no Django).

``parse_export`` reads what LimeSurvey, Qualtrics, SurveyMonkey, Google Forms, 问卷星 and SQMS
itself export; ``propose_mapping`` / ``apply_mapping`` turn the parsed columns into answers to an
instrument's questions; ``write_native_csv`` / ``write_native_xlsx`` / ``iter_native_rows`` are
SQMS's own export format. See ``docs`` in each module.
"""

from .api import check_size, detect_tool, parse_export, parse_file
from .mapping import (
    META_TARGETS,
    CellError,
    MappedRow,
    Mapping,
    MappingPlan,
    QuestionSpec,
    apply_mapping,
    iter_apply_mapping,
    propose_labels,
    propose_mapping,
)
from .messages import FORMAT_ERRORS, MESSAGES, NOTICES
from .model import (
    DEFAULT_MAX_BYTES,
    NATIVE_HEADER,
    TOOL_NAMES,
    TOOLS,
    Column,
    ImportFormatError,
    Notice,
    ParsedExport,
    ParsedRow,
)
from .native import (
    NativeChunk,
    NativeReader,
    iter_native_rows,
    native_csv_lines,
    native_targets,
    write_native_csv,
    write_native_xlsx,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMAT_ERRORS",
    "MESSAGES",
    "NOTICES",
    "META_TARGETS",
    "NATIVE_HEADER",
    "TOOLS",
    "TOOL_NAMES",
    "CellError",
    "Column",
    "ImportFormatError",
    "MappedRow",
    "Mapping",
    "MappingPlan",
    "Notice",
    "NativeChunk",
    "NativeReader",
    "ParsedExport",
    "ParsedRow",
    "QuestionSpec",
    "apply_mapping",
    "check_size",
    "detect_tool",
    "iter_apply_mapping",
    "iter_native_rows",
    "native_targets",
    "parse_export",
    "parse_file",
    "propose_labels",
    "propose_mapping",
    "native_csv_lines",
    "write_native_csv",
    "write_native_xlsx",
]
