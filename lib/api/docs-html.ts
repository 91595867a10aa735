/**
 * The readable API reference: static HTML rendered from the OpenAPI document on the server (no CDN, no
 * client script), so it works offline and always matches /api/v1/openapi.json.
 */
type Doc = {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OperationDoc>>;
};
type OperationDoc = {
  operationId: string;
  summary: string;
  description?: string;
  'x-scopes': string[];
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: unknown }>;
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { description: string; content?: { 'application/json': { schema: unknown } } }>;
};

const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (v: string) => esc(v).replace(/`([^`]+)`/g, '<code>$1</code>');
const schemaBlock = (schema: unknown) =>
  `<details><summary>Schema</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;

export function renderApiDocs(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const toc = ops
    .map(({ path, method, op }) => `<li><a href="#${esc(op.operationId)}"><span class="m ${method}">${method.toUpperCase()}</span> ${esc(path)}</a></li>`)
    .join('');
  const sections = ops
    .map(({ path, method, op }) => {
      const params = (op.parameters ?? [])
        .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${code(p.description ?? '')}</td></tr>`)
        .join('');
      const responses = Object.entries(op.responses)
        .map(([status, r]) => `<tr><td><code>${esc(status)}</code></td><td>${code(r.description)}${r.content ? schemaBlock(r.content['application/json'].schema) : ''}</td></tr>`)
        .join('');
      return `<section id="${esc(op.operationId)}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2>
<p>${code(op.summary)}</p>${op.description ? `<p>${code(op.description)}</p>` : ''}
<p>Token scope: ${op['x-scopes'].map((s) => `<code>${esc(s)}</code>`).join(' or ')}</p>
${params ? `<h3>Parameters</h3><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Notes</th></tr></thead><tbody>${params}</tbody></table>` : ''}
${op.requestBody ? `<h3>Request body (application/json)</h3>${schemaBlock(op.requestBody.content['application/json'].schema)}` : ''}
<h3>Responses</h3><table><thead><tr><th>Status</th><th>Meaning</th></tr></thead><tbody>${responses}</tbody></table>
</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#111}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f5f5f5;padding:.75rem;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
section{border-top:1px solid #ccc;margin-top:2rem}.m{font-weight:700;font-size:12px;padding:1px 6px;border-radius:3px;color:#fff}
.get{background:#2563eb}.post{background:#16a34a}.patch{background:#ca8a04}a{color:#1d4ed8}
</style></head><body>
<h1>${esc(doc.info.title)} <small>v${esc(doc.info.version)}</small></h1>
<p>${code(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2><ul>${toc}</ul>
${sections}
</body></html>`;
}
