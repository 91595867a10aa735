-- Hand-written (issue 26): a sign of life is a HOT update. Every heartbeat, control check and tool execution moves
-- agent_sessions.last_heartbeat_at (a fleet of 3,000 agents: ~550 updates/s). While an index covered that column
-- (0011's idx_agent_sessions_running_heartbeat), no such update could be HOT: each wrote a new entry into all seven
-- indexes of the table (8 WAL records per heartbeat, index bloat between vacuums). Without it, and with room left
-- on each page (fillfactor 80) for the new row version, the update stays on its page and writes no index entry.
-- The heartbeat watchdog (lib/interventions/watchdog.ts) now reads the running sessions through
-- idx_agent_sessions_status_started: its work grows with the number of running sessions (the fleet), never with
-- the table. fillfactor applies to pages written from now on; existing pages gain room as rows move.
DROP INDEX IF EXISTS idx_agent_sessions_running_heartbeat;
--> statement-breakpoint
ALTER TABLE agent_sessions SET (fillfactor = 80);
