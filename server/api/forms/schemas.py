"""Form schemas. A form's sections are served as the JSON the tablets receive (docs/forms.md)."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs


class TextSchema(ma.Schema):
    zh = ma.fields.String()
    en = ma.fields.String()


class FormSummarySchema(ma.Schema):
    id = ma.fields.String()
    version = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "draft or published"})
    sha256 = ma.fields.String(metadata={"description": "hash of the definition's content"})
    title = ma.fields.Nested(TextSchema)
    guide = ma.fields.String()
    guides = ma.fields.List(ma.fields.String(), metadata={"description": "guide versions served"})
    industries = ma.fields.List(ma.fields.String(), metadata={"description": '"*": every one'})
    grades = ma.fields.List(ma.fields.String())


class FormSchema(FormSummarySchema):
    description = ma.fields.Nested(TextSchema, allow_none=True)
    sections = ma.fields.List(ma.fields.Dict(), metadata={"description": "see docs/forms.md"})


class FormQuerySchema(QueryArgs):
    industry = ma.fields.String(metadata={"example": "foundry"})
    grade = ma.fields.String(metadata={"example": "A"})
    include_drafts = ma.fields.Boolean(load_default=False)


class DryRunSchema(ma.Schema):
    document = ma.fields.Dict(
        required=True,
        metadata={"description": "a filled inspection: form_id, form_version, answers"},
    )
    site_id = ma.fields.Integer(
        metadata={"description": "take lines, gates and CEMS points from this site"}
    )
    lines = ma.fields.List(ma.fields.String(), load_default=list)
    gates = ma.fields.List(ma.fields.String(), load_default=list)
    cems_points = ma.fields.List(ma.fields.String(), load_default=list)


class ProblemSchema(ma.Schema):
    path = ma.fields.String()
    code = ma.fields.String()
    message_zh = ma.fields.String()
    message_en = ma.fields.String()


class DryRunResultSchema(ma.Schema):
    valid = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.Nested(ProblemSchema))
