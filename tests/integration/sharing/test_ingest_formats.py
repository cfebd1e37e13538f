"""Ingest beyond CSV: an Excel workbook and an XML file uploaded over the API, and a paged HTTP
JSON API (a real server on loopback) pulled by URL; counts reconcile and bad rows are
quarantined with reasons."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import PASSWORD, build_world
from tests.integration.sharing.hub import make_dataset, steward, upload

FACILITY_MAPPING = """
record_type: facility
key: [code]
fields:
  external_id: {column: code}
  name: {column: name}
  kind:
    column: type
    values: {避难场所: shelter, 医院: hospital, 仓库: depot}
  capacity: {column: capacity}
  location: {lon: lon, lat: lat}
"""

TEAM_MAPPING = """
record_type: team
key: [id]
fields:
  external_id: {column: id}
  name: {column: name}
  kind: {column: kind}
  members: {column: members}
"""


def _counts(run: dict[str, Any]) -> tuple[int, int, int, int]:
    return run["read"], run["accepted"], run["merged"], run["quarantined"]


def test_an_excel_workbook_and_an_xml_file_ingest_through_the_same_mapping(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="facility", mapping=FACILITY_MAPPING
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name", "type", "capacity", "lon", "lat"])
    sheet.append(["S-1", "福田中学避难场所", "避难场所", 1200, 114.05, 22.54])
    sheet.append(["H-1", "福田医院", "医院", 800, 114.06, 22.55])
    sheet.append(["X-1", "未知设施", "游乐场", 10, 114.07, 22.56])  # kind not in the value map
    sheet.append(["S-1", "福田中学避难场所", "避难场所", 1500, 114.05, 22.54])  # same key
    buffer = io.BytesIO()
    book.save(buffer)
    run = upload(client, headers, dataset["id"], buffer.getvalue(), "facilities.xlsx")
    assert run.status_code == 201, run.text
    assert _counts(run.json()) == (4, 2, 1, 1)
    assert run.json()["encoding"] == "xlsx"
    quarantine = client.get(f"/sharing/datasets/{dataset['id']}/quarantine", headers=headers).json()
    reasons = [item["problems"] for item in quarantine["items"]]
    assert any("kind" in problems for problems in reasons)

    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><facilities>'
        '<facility code="D-1"><name>平湖物资储备库</name><type>仓库</type><capacity>50</capacity>'
        "<lon>114.13</lon><lat>22.69</lat></facility>"
        '<facility code="D-2"><name>无坐标仓库</name><type>仓库</type><capacity>5</capacity>'
        "<lon>999</lon><lat>22.69</lat></facility></facilities>"
    ).encode()
    second = upload(client, headers, dataset["id"], xml, "depots.xml")
    assert second.status_code == 201, second.text
    assert _counts(second.json()) == (2, 1, 0, 1)
    records = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=headers).json()
    assert records["total"] == 3
    depot = next(r for r in records["items"] if r["record_key"] == "D-1")
    assert depot["data"]["kind"] == "depot"
    assert depot["data"]["location"] == {"lon": 114.13, "lat": 22.69}


class _TeamsApi(BaseHTTPRequestHandler):
    """Three pages: a Link header, then a ``next`` field, then the end."""

    def do_GET(self) -> None:
        page = int(parse_qs(urlparse(self.path).query).get("page", ["1"])[0])
        body: dict[str, Any]
        extra: dict[str, str] = {}
        if page == 1:
            body = {"items": [
                {"id": "T1", "name": "龙岗区专业救援队", "kind": "professional", "members": 40},
                {"id": "T2", "name": "蓝天救援队", "kind": "social", "members": 25},
            ]}  # fmt: skip
            extra["Link"] = '</teams?page=2>; rel="next"'
        elif page == 2:
            body = {
                "items": [{"id": "T3", "name": "", "kind": "social", "members": 5}],
                "next": "/teams?page=3",
            }
        else:
            body = {"items": [{"id": "T1", "name": "龙岗区专业救援队", "kind": "professional",
                               "members": 42}]}  # fmt: skip
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def teams_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TeamsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/teams"
    finally:
        server.shutdown()
        server.server_close()


def test_a_paged_http_json_api_is_pulled_by_url(
    platform: Platform, client: TestClient, teams_api: str
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
    )
    run = client.post(
        f"/sharing/datasets/{dataset['id']}/runs:from-url",
        json={"url": teams_api},
        headers=headers,
    )
    assert run.status_code == 201, run.text
    # T1, T2 new; T3 has no name (quarantined); T1 again on page 3 merges
    assert _counts(run.json()) == (4, 2, 1, 1)
    assert run.json()["file_name"] == teams_api
    refused = client.post(
        f"/sharing/datasets/{dataset['id']}/runs:from-url",
        json={"url": "file:///etc/passwd"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "url" in refused.text


def test_the_dataset_quality_report_as_json_and_html(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    source = client.post(
        "/sharing/sources",
        json={"organisation_id": world.org["district"], "name": "Civil affairs bureau"},
        headers=headers,
    ).json()
    dataset = client.post(
        "/sharing/datasets",
        json={"source_id": source["id"], "name": "Shelters", "record_type": "facility",
              "refresh_interval_s": 86400},
        headers=headers,
    ).json()  # fmt: skip
    mapping = FACILITY_MAPPING.replace(
        "key: [code]", "key: [code]\nregion: {bbox: [113.75, 22.40, 114.65, 22.87]}"
    )
    client.post(
        f"/sharing/datasets/{dataset['id']}/mappings", json={"text": mapping}, headers=headers
    )
    url = f"/sharing/datasets/{dataset['id']}/quality"
    assert client.get(url, headers=headers).json()["freshness"]["status"] == "never"
    csv = (
        "code,name,type,capacity,lon,lat\n"
        "S-1,Futian school,避难场所,1200,114.05,22.54\n"
        "S-2,Guangzhou hall,避难场所,300,113.26,23.13\n"
        "S-3,Broken,避难场所,10,x,22.5\n"
    ).encode()
    run = upload(client, headers, dataset["id"], csv, "shelters.csv")
    assert _counts(run.json()) == (3, 2, 0, 1)
    report = client.get(url, headers=headers).json()
    assert report["freshness"]["status"] == "fresh"
    assert (report["records"], report["open_quarantine"], report["runs"]) == (2, 1, 1)
    assert report["latest_run"]["outside_region"] == 1
    assert report["history"][0]["outside_region_rate"] == 0.5
    clock.advance(timedelta(hours=30))
    login = client.post(
        "/auth/login", json={"username": "data_steward.district", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}  # not yet expired
    assert client.get(url, headers=headers).json()["freshness"]["status"] == "stale"
    page = client.get(f"{url}.html", headers=headers)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Shelters" in page.text
    assert 'class="stale"' in page.text
    assert "<script" not in page.text
    assert client.get(url).status_code == 401
