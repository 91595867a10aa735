import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Stored first responses for `Idempotency-Key` replays (kept ≥ 24 h, pruned by a background job). */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    // The token (or principal) the key belongs to: two agents may pick the same key.
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.principal, t.key] }),
    index('idx_idempotency_keys_created').on(t.createdAt),
  ],
);
