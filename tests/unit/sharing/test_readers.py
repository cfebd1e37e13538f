"""Readers: XLSX, XML, JSON/GeoJSON and HTTP JSON sources stream rows; bad parts become ragged
rows (quarantined by the run) or clear errors; nothing is silently dropped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers import SourceFormat, guess_format, open_rows
from lifeline.sharing.readers.http import open_http


def _rows(location: Path | str) -> tuple[list[str], list[dict[str, object]], str]:
    with open_rows(location) as source:
        return source.header, list(source.rows), source.encoding


def test_xlsx_first_sheet_with_a_header_row_numbers_and_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "名称", "数量", "入库日期"])
    sheet.append(["D-1", "帐篷", 40, datetime(2026, 7, 1, 9, 30)])  # noqa: DTZ001 (Excel has no zones)
    sheet.append([None, None, None, None])  # blank rows are skipped
    sheet.append(["D-2", "饮用水", 1200.5, None, "extra"])
    path = tmp_path / "depots.xlsx"
    book.save(path)
    header, rows, fmt = _rows(path)
    assert header == ["编号", "名称", "数量", "入库日期"]
    assert fmt == "xlsx"
    assert rows[0] == {"编号": "D-1", "名称": "帐篷", "数量": 40, "入库日期": "2026-07-01T09:30:00"}
    assert rows[1]["数量"] == 1200.5
    assert RAGGED in rows[1]  # five cells under four headings
    assert len(rows) == 2


def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput) as err:
        open_rows(path)
    assert err.value.problems[0].field == "file"


def test_xml_records_are_the_roots_children_with_attributes_and_child_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sites.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sites xmlns="urn:example">'
        '<site id="7"><name> 平湖仓库 </name><lon>114.13</lon><lat>22.69</lat></site>'
        '<!-- a comment --><site id="8"><name>B</name><name>again</name></site></sites>',
        encoding="utf-8",
    )
    header, rows, _ = _rows(path)
    assert header == ["id", "name", "lon", "lat"]
    assert rows[0] == {"id": "7", "name": "平湖仓库", "lon": "114.13", "lat": "22.69"}
    assert rows[1]["name"] == "B"
    assert RAGGED in rows[1]


def test_xml_with_entities_is_refused_and_a_broken_tail_is_a_ragged_row(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE r [<!ENTITY a "aaaa">]><r><x><v>&a;</v></x></r>', encoding="utf-8")
    with pytest.raises(InvalidInput, match="document type"):
        open_rows(bomb)
    broken = tmp_path / "broken.xml"
    broken.write_text("<r><x><v>1</v></x><x><v>2</v></x><x><v>", encoding="utf-8")
    _, rows, _ = _rows(broken)
    assert rows[:2] == [{"v": "1"}, {"v": "2"}]
    assert "not well-formed" in str(rows[2][RAGGED])


def test_geojson_points_become_lon_lat_and_other_geometries_stay_geojson(tmp_path: Path) -> None:
    path = tmp_path / "shelters.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "s1", "properties": {"name": "School", "capacity": 500},
             "geometry": {"type": "Point", "coordinates": [114.05, 22.54]}},
            {"type": "Feature", "properties": {"name": "Park", "capacity": 2.5},
             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
            {"type": "Nope"},
        ],
    }  # fmt: skip
    path.write_text(json.dumps(collection), encoding="utf-8")
    header, rows, fmt = _rows(path)
    assert fmt == "geojson"
    assert header == ["name", "capacity", "id", "lon", "lat"]
    assert rows[0] == {"name": "School", "capacity": 500, "id": "s1", "lon": 114.05, "lat": 22.54}
    assert rows[1]["capacity"] == 2.5  # a float, not a Decimal
    assert json.loads(str(rows[1]["geometry"]))["type"] == "Polygon"
    assert "not a GeoJSON Feature" in str(rows[2][RAGGED])


def test_a_json_array_of_objects_streams_and_a_truncated_one_ends_ragged(tmp_path: Path) -> None:
    path = tmp_path / "teams.json"
    path.write_text('[{"a": 1}, 7, {"a": 2}, {"a": ', encoding="utf-8")
    _, rows, fmt = _rows(path)
    assert fmt == "json"
    assert rows[0] == {"a": 1}
    assert "not a JSON object" in str(rows[1][RAGGED])
    assert rows[2] == {"a": 2}
    assert "not well-formed" in str(rows[3][RAGGED])


def test_formats_follow_the_suffix_and_unknown_ones_are_named() -> None:
    assert guess_format(Path("a.XLSX")) is SourceFormat.XLSX
    assert guess_format(Path("a.geojson")) is SourceFormat.JSON
    with pytest.raises(InvalidInput, match=r"unsupported file type '\.pdf'"):
        guess_format(Path("a.pdf"))


def _paged_api(request: httpx.Request) -> httpx.Response:
    page = int(request.url.params.get("page", "1"))
    if page == 1:
        return httpx.Response(
            200,
            json={"items": [{"id": 1}, {"id": 2}]},
            headers={"Link": '</teams?page=2>; rel="next"'},
        )
    if page == 2:
        return httpx.Response(200, json={"data": [{"id": 3}], "next": "/teams?page=3"})
    return httpx.Response(503, text="maintenance")


def test_http_pages_follow_link_headers_and_next_fields_and_a_failure_is_ragged() -> None:
    source = open_http("http://api.test/teams", transport=httpx.MockTransport(_paged_api))
    with source:
        rows = list(source.rows)
    assert rows[:3] == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert "page 3" in str(rows[3][RAGGED])
    assert "503" in str(rows[3][RAGGED])
    assert source.header == ["id"]


def test_an_http_source_that_fails_at_once_is_a_clear_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    with pytest.raises(InvalidInput) as err:
        open_http("http://api.test/none", transport=httpx.MockTransport(down))
    assert err.value.problems[0].field == "url"
    with pytest.raises(InvalidInput):
        open_http("ftp://api.test/none")
