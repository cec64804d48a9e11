"""Inspection forms: versioned checklist definitions, their loader, and the answer validator.

Pure: no Flask, no SQL, nothing of `server` or `sync` (an import-linter contract says so).
See docs/forms.md for the definition format, the document shape and the problem codes.
"""

from pathlib import Path

from inspection_forms.catalogue import FormCatalogue
from inspection_forms.criteria import Criterion, evaluate
from inspection_forms.loader import IndustryScales, check_definitions, load_catalogue
from inspection_forms.model import Condition, Form, Item, Option, PlantContext, Section
from inspection_forms.problems import (
    DefinitionError,
    DefinitionProblem,
    Problem,
    UnknownForm,
)
from inspection_forms.publish import Published, PublishError, publish
from inspection_forms.validator import validate
from inspection_forms.versions import content_digest
from inspection_forms.vocabulary import GRADE_CODES, INDICATOR_CATEGORIES, Text

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

__all__ = [
    "DEFINITIONS_DIR",
    "GRADE_CODES",
    "INDICATOR_CATEGORIES",
    "Condition",
    "Criterion",
    "DefinitionError",
    "DefinitionProblem",
    "Form",
    "FormCatalogue",
    "IndustryScales",
    "Item",
    "Option",
    "PlantContext",
    "Problem",
    "PublishError",
    "Published",
    "Section",
    "Text",
    "UnknownForm",
    "check_definitions",
    "content_digest",
    "evaluate",
    "load_catalogue",
    "publish",
    "validate",
]
