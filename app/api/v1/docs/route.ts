import { renderApiDocs } from '@/lib/api/docs-html';
import { openApiDocument } from '@/lib/api/openapi';

/** The human-readable reference, generated from the OpenAPI document; public like the document itself. */
export function GET() {
  const html = renderApiDocs(openApiDocument() as unknown as Parameters<typeof renderApiDocs>[0]);
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' } });
}
