-- Hand-written: drop two indexes that no query of the app, its API or its jobs uses (issue 10, item 3).
-- Evidence, on the `large` data set (100k sessions, 1M tool executions) after `npm run bench:queries` and
-- `npm run bench:pages` had run every page's queries: idx_scan = 0 for both in pg_stat_user_indexes, and no query
-- in lib/ or app/ has a predicate they could serve better than the index it already uses (see each note).
-- Kept although unscanned there: primary keys, unique keys (idempotency / natural keys), indexes behind a foreign
-- key's ON DELETE, the indexes SPEC.md names for execution_events and user_tool_history, the ones behind the
-- sessions search and filters (external id, correlation id, project), idx_session_checkpoints_created (the seeds'
-- monitoring SQL counts checkpoints of the last 24 hours) and the small tables' indexes of the settings pages.

-- user_tool_history (tool_name, created_at, success, execution_time_ms), 61 MB on 1M rows, written on every tool
-- execution. It served the raw per-tool statistics query; the Tools page and the API now read the hourly roll-up
-- tool_execution_hours (lib/tools/stats.ts), whose refresh selects by created_at (idx_user_tool_history_created_at).
-- The one query left with tool_name = … on this table, the Tools page's recent failures by tool, has its partial
-- index idx_user_tool_history_failures_tool (NOT success, ordered for its keyset), which the planner picks.
DROP INDEX IF EXISTS "idx_user_tool_history_metrics";
--> statement-breakpoint
-- tool_execution_hours (tool_name, hour): every query of the roll-up selects a range of hours (the primary key,
-- which leads with hour) and groups by tool; none filters by tool first. The refresh's deletes are by hour too.
DROP INDEX IF EXISTS "idx_tool_execution_hours_tool";
