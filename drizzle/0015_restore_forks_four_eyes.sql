-- Restore with edits: an edited state is a new checkpoint that names the one it was forked from and its author.
ALTER TABLE session_checkpoints ADD COLUMN forked_from uuid REFERENCES session_checkpoints(id) ON DELETE SET NULL;
--> statement-breakpoint
ALTER TABLE session_checkpoints ADD COLUMN created_by text;
--> statement-breakpoint
-- Four-eyes per project (off unless a row says on).
CREATE TABLE project_restore_policy (
  project text PRIMARY KEY,
  four_eyes boolean NOT NULL DEFAULT false,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- A restore waiting for a second engineer. One pending request per session: two engineers asking at once get one winner.
CREATE TABLE restore_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES agent_sessions(id) ON DELETE CASCADE,
  paused_session_id uuid REFERENCES paused_sessions(id) ON DELETE CASCADE,
  checkpoint_id uuid NOT NULL REFERENCES session_checkpoints(id) ON DELETE CASCADE,
  requested_by_id text NOT NULL,
  requested_by text NOT NULL,
  note text,
  status text NOT NULL DEFAULT 'pending',
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  recovery_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT restore_requests_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
  CONSTRAINT restore_requests_decided_consistent CHECK ((status = 'pending') = (decided_at IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX restore_requests_one_pending ON restore_requests (session_id) WHERE status = 'pending';
--> statement-breakpoint
CREATE INDEX idx_restore_requests_pause ON restore_requests (paused_session_id);
