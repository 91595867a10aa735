import { createHash } from 'node:crypto';

/** A statement's template: literals stripped and hashed, so the same statement with other values counts once. */
export type QueryTemplate = {
  template: string;
  /** First 16 hex characters of the template's SHA-1. */
  hash: string;
  /** Short name for statistics: verb and first table, e.g. `select agent_sessions`. */
  operation: string;
  /** A plain read: retried on ambiguous connection errors too. */
  readOnly: boolean;
};

/**
 * Strips literals so that the same statement with different values is one template: quoted strings, numbers,
 * $n parameters and value lists become `?`, `IN (?, ?, ?)` becomes `IN (?)`, whitespace collapses.
 */
export function normalizeQuery(text: string): string {
  return text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/E?'(?:[^']|'')*'/g, '?')
    .replace(/\$\$[\s\S]*?\$\$/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/(?<![\w"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w"])/gi, '?')
    .replace(/\b(true|false|null)\b/gi, (m) => (m.toLowerCase() === 'null' ? 'null' : '?'))
    .replace(/\s+/g, ' ')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
    .replace(/(\(\?\))(?:\s*,\s*\(\?\))+/g, '$1')
    .trim();
}

const WRITE_WORDS = /\b(insert|update|delete|merge|copy|create|alter|drop|truncate|grant|revoke|vacuum|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share|nextval|setval|pg_advisory\w*|pg_terminate_backend|pg_cancel_backend|set_config|lock)\b/i;

/** Plain reads only: a SELECT/WITH/SHOW/VALUES/EXPLAIN without data-changing words or row locks. */
export function isReadOnlyStatement(text: string) {
  return /^\s*(\(\s*)*(select|with|show|values|table|explain)\b/i.test(text) && !WRITE_WORDS.test(text);
}

function operationOf(template: string) {
  const verb = (/^\s*(\w+)/.exec(template)?.[1] ?? 'query').toLowerCase();
  const table =
    /\b(?:from|into|update|join)\s+(?:"?(\w+)"?\.)?"?(\w+)"?/i.exec(template)?.[2] ??
    /^\s*\w+\s+(?:\w+\s+)?"?(\w+)"?/i.exec(template)?.[1];
  return table && verb !== 'select' && verb !== 'with' ? `${verb} ${table}` : table ? `select ${table}` : verb;
}

const templateCache = new Map<string, QueryTemplate>();

/** Template of a statement, cached by its text (Drizzle's texts are already parameterised, so few distinct). */
export function templateOf(text: string): QueryTemplate {
  const cached = templateCache.get(text);
  if (cached) return cached;
  const template = normalizeQuery(text).slice(0, 2000);
  const info: QueryTemplate = {
    template,
    hash: createHash('sha1').update(template).digest('hex').slice(0, 16),
    operation: operationOf(template),
    readOnly: isReadOnlyStatement(text),
  };
  if (templateCache.size >= 5000) templateCache.clear();
  templateCache.set(text, info);
  return info;
}
