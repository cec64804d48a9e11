"""Export schemas: the filters of the lists and of the photo map, and the files answered."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs


class ListQuerySchema(QueryArgs):
    county = ma.fields.String(metadata={"description": "县（市、区）, e.g. 驿城区"})
    industry = ma.fields.String(metadata={"description": "industry code of any case, e.g. foundry"})
    batch_id = ma.fields.Integer(
        metadata={
            "description": "review batch: the filings of its year whose main industry it covers"
        }
    )
    year = ma.fields.Integer(metadata={"example": 2026})


class PhotoMapQuerySchema(QueryArgs):
    county = ma.fields.String()
    year = ma.fields.Integer(metadata={"description": "the filing year"})
    filing_id = ma.fields.Integer()
    assignment_id = ma.fields.Integer()


_BINARY = {"type": "string", "format": "binary"}
XLSX_BODY = {
    **_BINARY,
    "description": "an .xlsx workbook: the list (header bold and frozen) and a 说明 sheet",
}
CSV_BODY = {**_BINARY, "description": "UTF-8 with BOM, comma-separated, CRLF, header row first"}
ZIP_BODY = {**_BINARY, "description": "the evidence package (docs/exports.md)"}
GEOJSON_BODY = {
    "type": "object",
    "description": "an RFC 7946 FeatureCollection of Point features [lon, lat] (WGS-84); "
    "photos without a position are in the foreign member photos_without_position",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
        "photos_without_position": {
            "type": "object",
            "properties": {
                "count": {"type": "integer"},
                "photos": {"type": "array", "items": {"type": "object"}},
            },
        },
        "generated_at": {"type": "string", "format": "date-time"},
    },
}
PACKAGE_HEADERS = {
    "X-Manifest-SHA256": {
        "schema": {"type": "string"},
        "description": "the sha256 of manifest.json, as the audit log records it",
    },
    "X-Audit-Seq": {
        "schema": {"type": "integer"},
        "description": "the chain position of the export.evidence_package audit event",
    },
}
