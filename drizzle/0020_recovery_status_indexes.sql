-- Hand-written (issue 18.5, growth): the Recoveries page's "Latest failures" (listRecoveryFailures: status failed or
-- abandoned, newest 10) walked idx_checkpoint_recoveries_started and filtered by status, so it stepped over every
-- newer recovery that had not failed — the in-progress and succeeded ones — first: 668 rows at 100k sessions, 6,050
-- at 1M (EXPLAIN ANALYZE 0.40 → 4.7 ms, ×4 in `npm run bench:queries -- --compare large,xlarge`). A partial index
-- holding only the failures, in the list's order, makes it read 10 entries at any size. The history's status filter
-- (?status=…, listRecoveries) had the same walk; (status, started_at, id) serves it for any one status. Recoveries
-- are written a few times per pause, so two more small indexes cost nothing on the hot path.
CREATE INDEX IF NOT EXISTS "idx_checkpoint_recoveries_failures" ON "checkpoint_recoveries" USING btree ("started_at" DESC NULLS LAST, "id" DESC NULLS LAST)
  WHERE recovery_status IN ('failed', 'abandoned');
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_checkpoint_recoveries_status_started" ON "checkpoint_recoveries" USING btree ("recovery_status", "started_at" DESC NULLS LAST, "id" DESC NULLS LAST);
