/**
 * `GET /docs`: the API reference, rendered on the server from the OpenAPI document — every route
 * with its parameters, body schema, example, answers and error codes — plus a "Try it" form per
 * route (docs-client.ts, loaded as /docs/try.js: no inline script, so a strict CSP works).
 */
// The document is our own (document.ts): read it loosely.
type Json = Record<string, any>;

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (s: string) => s.replace(/`([^`]+)`/g, '<code>$1</code>');

function schemaType(s: Json | undefined): string {
  if (!s) return '';
  if (s.enum) return (s.enum as unknown[]).map((v) => esc(v)).join(' | ');
  if (s.anyOf) return (s.anyOf as Json[]).map(schemaType).join(' or ');
  return esc(s.format ? `${s.type} (${s.format})` : (s.type ?? 'any'));
}

function operation(method: string, path: string, op: Json): string {
  const id = esc(op.operationId);
  const params = (op.parameters as Json[]) ?? [];
  const body = op.requestBody?.content as Record<string, Json> | undefined;
  const bodyType = body
    ? Object.keys(body)[body['application/json'] ? Object.keys(body).indexOf('application/json') : 0]!
    : '';
  const example = body?.[bodyType]?.example;
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${esc(p.in)}</td><td>${schemaType(p.schema)}${p.schema?.default !== undefined ? ` · default <code>${esc(p.schema.default)}</code>` : ''}</td></tr>`,
    )
    .join('');
  const responses = Object.entries(op.responses as Record<string, Json>)
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${code(esc(r.description))}</li>`)
    .join('');
  const inputs = params
    .map(
      (p) =>
        `<label>${esc(p.name)} <input name="${esc(p.name)}" data-in="${esc(p.in)}" ${p.required ? 'required' : ''} placeholder="${esc(p.schema?.default ?? '')}"></label>`,
    )
    .join('');
  return `<section class="op" id="${id}">
  <h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
  <p>${code(esc(op.summary))}${op.description ? ` — ${code(esc(op.description))}` : ''}</p>
  <p class="auth">Auth: ${code(esc(op['x-auth']))}</p>
  ${rows ? `<table><thead><tr><th>parameter</th><th>in</th><th>type</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
  ${body ? `<details><summary>Body (${esc(Object.keys(body).join(', '))}) schema</summary><pre>${esc(JSON.stringify(body[bodyType]!.schema, null, 2))}</pre></details>` : ''}
  <ul class="responses">${responses}</ul>
  <form class="try" data-method="${esc(method.toUpperCase())}" data-path="${esc(path)}" data-type="${esc(bodyType)}">
    <fieldset><legend>Try it</legend>${inputs}
    ${body ? `<label class="body">body <textarea name="__body" rows="6">${esc(example !== undefined ? JSON.stringify(example, null, 2) : '')}</textarea></label>` : ''}
    <button type="submit">Send</button><output></output></fieldset>
  </form>
</section>`;
}

export function docsPage(doc: Json): string {
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags as string[])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
      toc.push(
        `<li><a href="#${esc(op.operationId)}"><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a></li>`,
      );
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>closeloop API reference</title>
<link rel="stylesheet" href="/docs/docs.css">
</head><body>
<header><h1>closeloop API <small>v${esc(doc.info.version)}</small></h1>
<p>${code(esc(doc.info.description))} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<label class="token">Bearer token (admin token or a site secret key; kept in this tab only) <input id="token" type="password" autocomplete="off"></label>
</header>
<div class="layout"><nav><ul>${toc.join('')}</ul></nav><main>${sections}</main></div>
<script type="module" src="/docs/try.js"></script>
</body></html>`;
}

export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa}
header{background:#111827;color:#fff;padding:1rem 1.5rem}header a{color:#93c5fd}header code{background:#374151}
h1 small{font-size:.5em;color:#9ca3af}.token{display:block;margin-top:.5rem}.token input{width:24rem;max-width:100%}
.layout{display:flex;gap:1.5rem;padding:1rem 1.5rem}nav{flex:0 0 19rem;position:sticky;top:0;align-self:flex-start;max-height:100vh;overflow:auto}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.15rem 0;font-size:.85em}nav a{color:#1d2430;text-decoration:none}
main{flex:1;min-width:0}.op{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.8rem 1rem;margin:0 0 1rem}
.op h3{margin:.2rem 0;font-size:1.05em}.method{display:inline-block;min-width:3.6em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.05rem .3rem;font-weight:600}
.get{background:#2563eb}.post{background:#059669}.options{background:#6b7280}.patch{background:#b45309}.delete{background:#dc2626}.auth{color:#6b7280;font-size:.9em;margin:.2rem 0}
code{background:#f1f3f6;border-radius:4px;padding:.05rem .3rem}pre{background:#f1f3f6;padding:.6rem;overflow:auto;max-height:20rem;font-size:.8em}
table{border-collapse:collapse;font-size:.9em;margin:.4rem 0}td,th{border-bottom:1px solid #e5e7eb;padding:.2rem .6rem;text-align:left}
.req{color:#b91c1c;font-size:.8em}.responses{font-size:.9em}fieldset{border:1px solid #e5e7eb;border-radius:6px}
.try label{display:inline-block;margin:.2rem .6rem .2rem 0;font-size:.9em}.try .body{display:block}.try textarea{width:100%;font-family:monospace}
.try output{display:block;white-space:pre-wrap;font-family:monospace;font-size:.8em;max-height:18rem;overflow:auto;margin-top:.4rem}
@media (max-width:800px){.layout{display:block}nav{position:static;max-height:none}}`;
