import { NextResponse } from 'next/server';
import { openApiDocument } from '@/lib/api/openapi';

/** Public on purpose: the contract is documentation, not data. */
export function GET() {
  return NextResponse.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}
