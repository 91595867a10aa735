import type { PauseType } from '@/lib/db/schema';

/** The vocabulary the generator draws from: names that read like a real fleet, shared by both scales. */
export const projects = [
  {
    name: 'checkout-service',
    agents: ['refactor-bot', 'test-writer', 'dependency-upgrader'],
    tasks: [
      'Migrate payment intents to API v2',
      'Add idempotency keys to refund endpoint',
      'Raise unit test coverage of cart totals to 90%',
      'Upgrade stripe-node to v16',
      'Fix race in inventory reservation',
      'Split OrderController into command handlers',
    ],
  },
  {
    name: 'data-pipeline',
    agents: ['etl-agent', 'schema-migrator', 'backfill-runner'],
    tasks: [
      'Backfill events_2024 partition',
      'Rewrite daily revenue rollup in dbt',
      'Deduplicate customer records from CRM import',
      'Add freshness checks to warehouse tables',
      'Port nightly export from cron to Airflow',
    ],
  },
  {
    name: 'support-bot',
    agents: ['triage-agent', 'kb-writer', 'reply-drafter'],
    tasks: [
      'Triage overnight ticket queue',
      'Draft KB article for SSO login errors',
      'Summarise escalations for weekly report',
      'Tag refund requests by reason',
      'Answer billing questions from backlog',
    ],
  },
  {
    name: 'infra-agent',
    agents: ['terraform-planner', 'k8s-operator', 'cost-optimizer'],
    tasks: [
      'Right-size staging node pool',
      'Rotate TLS certificates for edge proxies',
      'Plan Terraform upgrade to 1.9',
      'Investigate p95 latency spike on api-gateway',
      'Clean up orphaned EBS volumes',
    ],
  },
] as const;

export const engineers = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'] as const;

export type ToolProfile = { name: string; successRate: number; medianMs: number; errors: string[] };

export const tools: ToolProfile[] = [
  { name: 'web_search', successRate: 0.95, medianMs: 850, errors: ['rate limited by search provider (429)', 'search timed out after 10s'] },
  { name: 'code_exec', successRate: 0.84, medianMs: 2400, errors: ['process exited with code 1', 'sandbox out of memory', 'execution timed out after 60s'] },
  { name: 'file_read', successRate: 0.98, medianMs: 35, errors: ['ENOENT: no such file or directory', 'permission denied'] },
  { name: 'file_write', successRate: 0.96, medianMs: 60, errors: ['EACCES: permission denied', 'disk quota exceeded'] },
  { name: 'sql_query', successRate: 0.9, medianMs: 320, errors: ['relation does not exist', 'canceling statement due to statement timeout', 'deadlock detected'] },
  { name: 'http_request', successRate: 0.88, medianMs: 620, errors: ['502 Bad Gateway', 'ECONNRESET', 'request timed out after 30s'] },
  { name: 'shell', successRate: 0.8, medianMs: 1500, errors: ['command not found', 'exit status 2', 'killed: timeout'] },
];

/** End users of the agents (not console users): u-001 … u-040. */
export const toolUsers = Array.from({ length: 40 }, (_, i) => `u-${String(i + 1).padStart(3, '0')}`);

export const pauseReasons: Record<PauseType, { reason: string; error: string }[]> = {
  retry_limit: [
    { reason: 'Retry limit reached (3/3) calling http_request', error: '502 Bad Gateway from payments-sandbox' },
    { reason: 'Retry limit reached (5/5) running test suite', error: 'process exited with code 1' },
  ],
  blocker: [
    { reason: 'Needs credentials for the staging warehouse', error: 'password authentication failed for user "etl"' },
    { reason: 'Ambiguous requirement: which currency rounding rule applies?', error: 'no matching rule in spec' },
  ],
  error: [
    { reason: 'Unhandled exception in tool output parser', error: 'TypeError: Cannot read properties of undefined' },
    { reason: 'Migration failed half-way', error: 'duplicate key value violates unique constraint' },
  ],
  timeout: [
    { reason: 'Task exceeded its 30 minute budget', error: 'execution timed out after 60s' },
    { reason: 'No progress for 15 minutes', error: 'heartbeat stale' },
  ],
  manual: [
    { reason: 'Paused by operator to review a risky change', error: '' },
    { reason: 'Paused for deploy freeze', error: '' },
  ],
  budget: [
    { reason: 'Token budget exhausted (200k / 200k)', error: 'budget exceeded' },
    { reason: 'Cost cap of $25 reached', error: 'budget exceeded' },
  ],
};

export const toolForPause: Record<PauseType, string> = {
  retry_limit: 'http_request',
  blocker: 'sql_query',
  error: 'code_exec',
  timeout: 'shell',
  manual: 'file_write',
  budget: 'web_search',
};

export const resolutionNotes = {
  resumed: ['Upstream fixed, carry on', 'Credentials added to vault', 'Clarified: round half-even', 'Looks fine, resume'],
  aborted: ['Superseded by manual fix', 'Wrong approach, closing', 'Task cancelled by product'],
  restored: ['Roll back to the last good checkpoint', 'Restore before the bad migration', 'Retry from task start'],
} as const;

export const recoveryErrors = [
  'agent rejected checkpoint state: schema version mismatch',
  'checkpoint state failed validation after restore',
  'agent crashed while replaying conversation',
];

export const invalidationReasons = [
  'superseded by restore',
  'corrupted: content hash mismatch',
  'invalidated by operator after bad tool output',
];

export const assistantLines = [
  'I will start by reading the relevant files.',
  'The tests fail on the rounding case; fixing that next.',
  'Running the migration against staging first.',
  'The query returned 0 rows; checking the join condition.',
  'Done with this step, moving to the next task.',
  'The endpoint returned 502; retrying with backoff.',
];

export const userLines = [
  'Please continue with the plan.',
  'Use the staging database, not production.',
  'Keep the public API unchanged.',
  'Prefer small commits.',
];
