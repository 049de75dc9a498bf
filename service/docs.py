"""API documentation pages that work offline: /openapi.yaml and a browsable /docs rendered on the server.

No script or stylesheet comes from a CDN; the page is plain HTML made from the same OpenAPI document.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template_string

docs = Blueprint("docs", __name__)


def spec_yaml() -> str:
    return current_app.extensions["api"].spec.to_yaml()


@docs.get("/openapi.yaml")
def openapi_yaml():
    return Response(spec_yaml(), mimetype="application/yaml")


@docs.get("/")
@docs.get("/docs")
def docs_page():
    spec = current_app.extensions["api"].spec.to_dict()
    return render_template_string(_PAGE, spec=spec, methods=("get", "post", "put", "delete"))


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ spec.info.title }} — API</title>
<style>
 body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
 code,pre{font:13px ui-monospace,monospace;background:#f4f4f4;padding:.1rem .3rem}
 .op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
 .m{font-weight:bold;text-transform:uppercase;display:inline-block;width:4rem}
 table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left}
</style></head><body>
<h1>{{ spec.info.title }} <small>{{ spec.info.version }}</small></h1>
<p>{{ spec.info.description }}</p>
<p>Machine-readable: <a href="/openapi.yaml">openapi.yaml</a> · <a href="/openapi.json">openapi.json</a></p>
{% for path, item in spec.paths.items() %}{% for m in methods if m in item %}{% set op = item[m] %}
<div class="op" id="{{ m }}-{{ path }}"><span class="m">{{ m }}</span><code>{{ path }}</code>
 <p>{{ op.summary or '' }} {{ op.description or '' }}</p>
 {% if op.parameters %}<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>
 {% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p['in'] }}</td>
 <td>{{ p.schema.type if p.schema else 'JSON' }}{% if p.schema and p.schema.enum %}: {{ p.schema.enum|join(', ') }}{% endif %}</td>
 <td>{{ 'yes' if p.required else '' }}</td></tr>{% endfor %}</table>{% endif %}
 {% if op.requestBody %}<p>Body: {% for ctype, media in op.requestBody.content.items() %}<code>{{ ctype }}</code> {% if '$ref' in media.schema %}<code>{{ media.schema['$ref']|replace('#/components/schemas/','') }}</code>{% endif %}{% endfor %}</p>{% endif %}
 <p>Responses: {% for code, r in op.responses.items() %}<code>{{ code }}</code> {{ r.description }}{% if not loop.last %} · {% endif %}{% endfor %}</p>
</div>{% endfor %}{% endfor %}
<h2>Schemas</h2>
{% for name, schema in spec.components.schemas.items() %}
<h3 id="{{ name }}">{{ name }}</h3><table>
{% for f, p in (schema.properties or {}).items() %}<tr><td><code>{{ f }}</code></td>
<td>{{ p.type or (p['$ref']|replace('#/components/schemas/','')) }}{% if 'items' in p %} of {{ p['items'].type or (p['items']['$ref']|replace('#/components/schemas/','')) }}{% endif %}</td>
<td>{{ 'required' if f in (schema.required or []) else '' }}</td><td>{{ p.description or '' }}</td></tr>{% endfor %}
</table>{% endfor %}
</body></html>"""
