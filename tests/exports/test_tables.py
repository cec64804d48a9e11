"""The list writer on its own: what a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import io

import openpyxl

from server.exports.tables import Column, Table, write_csv, write_xlsx

COLUMNS = (Column("企业名称", "Enterprise", 30), Column("统一社会信用代码", "Code", 22, text=True))
ROWS = [['=HYPERLINK("http://example.invalid","点我")', "914117000000000117"], ["-1+1", None]]


def test_a_formula_is_a_text_cell_in_the_xlsx():
    out = io.BytesIO()
    write_xlsx(Table("表", COLUMNS, ROWS, [("说明", "测试")]), out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["表"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == ROWS[0][0]
    assert sheet["B2"].value == "914117000000000117" and sheet["B2"].number_format == "@"
    assert sheet["A3"].value == "-1+1" and sheet["B3"].value is None


def test_a_formula_gets_an_apostrophe_in_the_csv_and_the_stream_stays_open():
    out = io.BytesIO()
    write_csv(Table("表", COLUMNS, ROWS), out)
    assert not out.closed
    text = out.getvalue().decode("utf-8-sig")
    assert text.splitlines() == [
        "企业名称,统一社会信用代码",
        '"\'=HYPERLINK(""http://example.invalid"",""点我"")",914117000000000117',
        "'-1+1,",
    ]
