"""Self-hosted API docs and landing page: Swagger UI from the ``swagger-ui-bundle`` package,
so the docs work on an isolated network with no CDN."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from lifeline import __version__

STATIC = "/static/swagger"

LANDING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Lifeline</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;
color:#1b2430}}h1{{color:#b3261e}}a{{color:#0b57d0}}code{{background:#f1f3f4;padding:0 .3em}}
</style></head><body>
<h1>Lifeline 生命线 {version}</h1>
<p>Smart emergency management platform for the city and its parks.</p>
<ul>
<li><a href="/docs">API documentation (OpenAPI / Swagger UI)</a> — sign in with
<code>POST /auth/token</code> via the <em>Authorize</em> button</li>
<li><a href="/public/warnings">Active public warnings 公众预警</a> ·
<a href="/public/alerts.atom">Atom/CAP feed</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/health">/health</a> · <a href="/ready">/ready</a> ·
<a href="/metrics">/metrics</a></li>
</ul>
</body></html>
"""


def mount_docs(app: FastAPI) -> None:
    """Serve Swagger UI's files locally and the landing page at ``/``."""
    app.mount(STATIC, StaticFiles(directory=swagger_ui_path), name="swagger-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Lifeline API",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_ui_parameters={"validatorUrl": None},  # no call to an external validator
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/", include_in_schema=False)
    def landing() -> HTMLResponse:
        return HTMLResponse(LANDING.format(version=__version__))
