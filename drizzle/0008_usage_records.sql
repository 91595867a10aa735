-- Hand-written (lib/db/schema/usage.ts): tokens and cost reported by agents, first through OTLP's gen_ai.usage.*
-- attributes (lib/otlp). usage_id is the client's (or derived) id, so a replayed report is stored once.
CREATE TABLE usage_records (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  usage_id uuid NOT NULL,
  session_id uuid REFERENCES agent_sessions(id) ON DELETE CASCADE,
  project text NOT NULL,
  model text,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost numeric(18, 6),
  source text NOT NULL DEFAULT 'api',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT usage_records_usage_id_key UNIQUE (usage_id),
  CONSTRAINT usage_records_tokens_check CHECK (input_tokens >= 0 AND output_tokens >= 0 AND (cost IS NULL OR cost >= 0))
);
--> statement-breakpoint
-- A session's usage (its budget), in time order.
CREATE INDEX idx_usage_records_session ON usage_records (session_id, created_at);
--> statement-breakpoint
-- A project's usage over a period (its budget).
CREATE INDEX idx_usage_records_project ON usage_records (project, created_at);
