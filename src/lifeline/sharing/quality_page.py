"""The dataset quality report as one self-contained HTML page (inline CSS, no scripts, no
external assets), rendered from the JSON document of ``service.reads.dataset_quality``."""

from __future__ import annotations

from html import escape
from typing import Any

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;
color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccd;padding:.3rem .6rem;
text-align:left}th{background:#f0f2f5}.bar{background:#dde;height:.7rem;width:10rem}
.fill{background:#2f6fb0;height:.7rem}.fresh{color:#1a7f37}.stale,.never{color:#b42318}
.unscheduled{color:#6e7781}.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f} %"


def _bar(value: Any) -> str:
    width = 0.0 if value is None else max(0.0, min(1.0, float(value))) * 100
    return f'<div class="bar"><div class="fill" style="width:{width:.0f}%"></div></div>'


def _failed(run: dict[str, Any]) -> str:
    if run.get("status") != "failed":
        return ""
    return f' <span class="stale">失败 failed: {escape(str(run.get("error") or ""))}</span>'


def _refresh_row(refresh: dict[str, Any] | None) -> str:
    if not refresh:
        return ""
    error = escape(str(refresh.get("last_error") or "—"))
    return (
        f"<tr><th>下次拉取 Next fetch</th><td>{escape(refresh['next_run_at'])}</td>"
        f"<th>连续失败 Failed attempts</th><td class=num>{refresh['failed_attempts']}</td>"
        f"<th>最近错误 Last error</th><td>{error}</td></tr>"
    )


def render_quality_html(report: dict[str, Any]) -> str:
    fresh = report["freshness"]
    latest = report.get("latest_run") or {}
    rows = []
    for name, value in (latest.get("completeness") or {}).items():
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{_bar(value)}</td>"
            f'<td class="num">{_pct(value)}</td></tr>'
        )
    invalid = "".join(
        f'<tr><td>{escape(k)}</td><td class="num">{v}</td></tr>'
        for k, v in (latest.get("invalid_by_field") or {}).items()
    )
    history = "".join(
        "<tr>"
        f"<td>{escape(h['finished_at'])}{_failed(h)}</td>"
        f"<td class=num>v{h['mapping_version']}</td>"
        f"<td class=num>{h['read']}</td><td class=num>{h['accepted']}</td>"
        f"<td class=num>{h['merged']}</td><td class=num>{h['quarantined']}</td>"
        f"<td class=num>{_pct(h['validity'])}</td><td class=num>{_pct(h['duplicate_rate'])}</td>"
        f"<td class=num>{_pct(h['outside_region_rate'])}</td></tr>"
        for h in reversed(report["history"])
    )
    status = escape(fresh["status"])
    age = "—" if fresh["age_s"] is None else f"{fresh['age_s'] / 3600:.1f} h"
    interval = (
        "—"
        if fresh["refresh_interval_s"] is None
        else f"{fresh['refresh_interval_s'] / 3600:.1f} h"
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>数据质量报告 Data quality — {escape(report["dataset_name"])}</title>
<style>{_CSS}</style></head><body>
<h1>数据质量报告 · Data quality: {escape(report["dataset_name"])}</h1>
<p>Record type <b>{escape(report["record_type"])}</b> ·
generated {escape(report["generated_at"])}</p>
<table>
<tr><th>新鲜度 Freshness</th><td class="{status}">{status}</td>
<th>上次更新 Last run age</th><td>{age}</td><th>更新周期 Schedule</th><td>{interval}</td></tr>
<tr><th>记录 Records</th><td class=num>{report["records"]}</td>
<th>待处理隔离 Open quarantine</th><td class=num>{report["open_quarantine"]}</td>
<th>批次 Runs</th><td class=num>{report["runs"]}</td></tr>
{_refresh_row(report.get("refresh"))}
</table>
<h2>最近一次 Latest run {escape(str(latest.get("file_name", "—")))}</h2>
<table>
<tr><th>有效率 Validity</th><td class=num>{_pct(latest.get("validity"))}</td>
<th>重复率 Duplicates</th><td class=num>{_pct(latest.get("duplicate_rate"))}</td>
<th>区域外 Outside region</th><td class=num>{_pct(latest.get("outside_region_rate"))}</td></tr>
</table>
<h2>字段完整率 Completeness per field</h2>
<table><tr><th>field</th><th></th><th>filled</th></tr>{"".join(rows)}</table>
<h2>校验失败 Invalid values per field</h2>
<table><tr><th>field</th><th>records</th></tr>{invalid}</table>
<h2>历史 History</h2>
<table><tr><th>finished</th><th>mapping</th><th>read</th><th>accepted</th><th>merged</th>
<th>quarantined</th><th>validity</th><th>duplicates</th><th>outside region</th></tr>
{history}</table>
</body></html>
"""
