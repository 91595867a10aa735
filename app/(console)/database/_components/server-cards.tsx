'use client';
import { use } from 'react';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { DatabaseStats, QueryStats } from '@/lib/observability/stats';
import { formatCount, formatMs, formatSeconds } from './format';
import { LiveBody } from './live';
import { useDatabaseStats, useQueryStats, type Loaded } from './use-database-stats';

function Unavailable({ reason, children }: { reason: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-600">
      <p className="font-medium text-slate-700">Not available: {reason}</p>
      {children && <div className="mt-2 space-y-1">{children}</div>}
    </div>
  );
}

const stateTones: Record<string, Tone> = {
  active: 'blue',
  idle: 'gray',
  'idle in transaction': 'amber',
  'idle in transaction (aborted)': 'red',
};

/** Shorter transactions are the normal traffic (including this page's own queries), not something to look at. */
const LONG_TX_S = 1;

function SqlCell({ text }: { text: string }) {
  return (
    <code title={text} className="block max-w-[40rem] truncate font-mono text-xs text-slate-700">
      {text || '—'}
    </code>
  );
}

export function ServerActivityCard({ initial, sinceMinutes }: { initial: Promise<Loaded<DatabaseStats>>; sinceMinutes: number }) {
  const first = use(initial);
  const query = useDatabaseStats(sinceMinutes, first);
  return (
    <LiveBody title="Server activity" query={query} first={first}>
      {({ server }) => {
        const long = server.available ? server.longestTransactions.filter((t) => t.seconds >= LONG_TX_S) : [];
        return (
          <Card title="Server activity" action={<span className="text-xs text-slate-500">pg_stat_activity, this database</span>}>
            {!server.available ? (
              <Unavailable reason={server.reason}>
                <p>Run Flightdeck against a Postgres server (DATABASE_URL) to see its connections, long transactions and lock waits.</p>
              </Unavailable>
            ) : (
              <div className="space-y-4">
                <div className="flex flex-wrap gap-2" aria-label="Connections by state">
                  {server.byState.length === 0 ? (
                    <span className="text-sm text-slate-500">No client connections.</span>
                  ) : (
                    server.byState.map((s) => (
                      <Badge key={s.state} tone={stateTones[s.state] ?? 'gray'}>
                        {s.state}: {s.count}
                      </Badge>
                    ))
                  )}
                </div>
                <div>
                  <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Longest transactions</h3>
                  {long.length === 0 ? (
                    <p className="text-sm text-slate-500">
                      No transaction open longer than {LONG_TX_S} s
                      {server.longestTransactions.length > 0 ? ` (${server.longestTransactions.length} shorter ones, such as this page's own queries, not shown)` : ''}.
                    </p>
                  ) : (
                    <Table>
                      <thead>
                        <tr>
                          <Th>PID</Th>
                          <Th>State</Th>
                          <Th className="text-right">Open for</Th>
                          <Th>Application</Th>
                          <Th>Last statement</Th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-slate-100">
                        {long.map((t) => (
                          <Tr key={t.pid}>
                            <Td className="tabular-nums">{t.pid}</Td>
                            <Td>{t.state ? <Badge tone={stateTones[t.state] ?? 'gray'}>{t.state}</Badge> : '—'}</Td>
                            <Td className={`whitespace-nowrap text-right tabular-nums ${t.seconds > 60 ? 'font-medium text-amber-700' : ''}`}>
                              {formatSeconds(t.seconds)}
                            </Td>
                            <Td className="text-xs">{t.application || '—'}</Td>
                            <Td>
                              <SqlCell text={t.query} />
                            </Td>
                          </Tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </div>
                <div>
                  <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Waiting for locks</h3>
                  {server.waitingLocks.length === 0 ? (
                    <p className="text-sm text-slate-500">No connection is waiting for a lock.</p>
                  ) : (
                    <Table>
                      <thead>
                        <tr>
                          <Th>PID</Th>
                          <Th>Blocked by</Th>
                          <Th>Lock</Th>
                          <Th className="text-right">Waiting</Th>
                          <Th>Statement</Th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-slate-100">
                        {server.waitingLocks.map((w) => (
                          <Tr key={w.pid}>
                            <Td className="tabular-nums">{w.pid}</Td>
                            <Td className="tabular-nums">{w.blockedBy.join(', ') || '—'}</Td>
                            <Td className="text-xs">{w.lockType || '—'}</Td>
                            <Td className="whitespace-nowrap text-right tabular-nums text-amber-700">{formatSeconds(Math.max(0, w.seconds))}</Td>
                            <Td>
                              <SqlCell text={w.query} />
                            </Td>
                          </Tr>
                        ))}
                      </tbody>
                    </Table>
                  )}
                </div>
              </div>
            )}
          </Card>
        );
      }}
    </LiveBody>
  );
}

export function ServerStatementsCard({ initial }: { initial: Promise<Loaded<QueryStats>> }) {
  const first = use(initial);
  const query = useQueryStats('total', first);
  return (
    <LiveBody title="Server top statements" query={query} first={first}>
      {({ serverTop }) => (
        <Card title="Server top statements" action={<span className="text-xs text-slate-500">pg_stat_statements, all clients of this database</span>}>
          {!Array.isArray(serverTop) ? (
            <Unavailable reason={serverTop.reason}>
              {/PGlite/.test(serverTop.reason) ? (
                <p>The embedded database keeps no statement statistics; the template table above covers this process.</p>
              ) : (
                <>
                  <p>To enable it on the Postgres server:</p>
                  <ol className="list-decimal space-y-0.5 pl-5">
                    <li>
                      add <code className="rounded bg-white px-1 font-mono text-xs">shared_preload_libraries = &apos;pg_stat_statements&apos;</code> to
                      postgresql.conf (managed services: the parameter group) and restart the server;
                    </li>
                    <li>
                      in this database run <code className="rounded bg-white px-1 font-mono text-xs">CREATE EXTENSION IF NOT EXISTS pg_stat_statements;</code>
                    </li>
                  </ol>
                </>
              )}
            </Unavailable>
          ) : serverTop.length === 0 ? (
            <p className="text-sm text-slate-500">pg_stat_statements has no statements for this database yet (or was just reset).</p>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Statement</Th>
                  <Th className="text-right">Calls</Th>
                  <Th className="text-right">Mean</Th>
                  <Th className="text-right">Total time</Th>
                  <Th className="text-right">Rows</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {serverTop.map((s, i) => (
                  <Tr key={i}>
                    <Td>
                      <code title={s.query} className="block max-w-[48rem] break-all font-mono text-xs text-slate-700" style={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}>
                        {s.query}
                      </code>
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(s.calls)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(s.meanMs)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(s.totalMs)}</Td>
                    <Td className="text-right tabular-nums">{formatCount(s.rows)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      )}
    </LiveBody>
  );
}
