-- Hand-written (lib/db/schema/escalation.ts): pause deadlines and their escalation ladder (issue 19, item 2).
-- A policy matches open pauses by project and pause type (empty = all); its steps (jsonb, ordered) each run once,
-- `afterSeconds` after the pause, and the last may be a default action (resume, abort, restore).
CREATE TABLE escalation_policies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  projects text[] NOT NULL DEFAULT '{}'::text[],
  pause_types text[] NOT NULL DEFAULT '{}'::text[],
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text,
  CONSTRAINT escalation_policies_name_key UNIQUE (name),
  CONSTRAINT escalation_policies_steps_array CHECK (jsonb_typeof(steps) = 'array')
);
--> statement-breakpoint
-- One row per step taken (or skipped because a person had already decided): the claim that makes a step run once
-- across instances and restarts. The primary key is the claim: a second instance's INSERT waits for the first
-- one's transaction and then conflicts.
CREATE TABLE escalation_step_runs (
  paused_session_id uuid NOT NULL REFERENCES paused_sessions(id) ON DELETE CASCADE,
  policy_id uuid NOT NULL REFERENCES escalation_policies(id) ON DELETE CASCADE,
  step_index integer NOT NULL,
  kind text NOT NULL,
  outcome text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ran_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT escalation_step_runs_pkey PRIMARY KEY (paused_session_id, policy_id, step_index)
);
--> statement-breakpoint
-- Who is on call for a role: "reassign to whoever is on call for the role" picks the earliest of them.
CREATE TABLE escalation_on_call (
  role text NOT NULL,
  user_id text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  since timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT escalation_on_call_pkey PRIMARY KEY (role, user_id),
  CONSTRAINT escalation_on_call_role_check CHECK (role IN ('admin', 'engineer', 'qa', 'manager', 'viewer'))
);
