import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { argValue, runCli } from './cli';

/**
 * Should conversation_history be stored compressed or deduplicated? Stores the same checkpoints four ways in a
 * throwaway database and prints table sizes (heap + TOAST + indexes) and the cost of reading a 200-message window:
 *   jsonb      — as today (Postgres already compresses large values in TOAST, pglz by default)
 *   jsonb_lz4  — the same with lz4 TOAST compression (a column setting, no code change)
 *   gzip       — gzip'd JSON in bytea (stored EXTERNAL so Postgres does not compress twice)
 *   dedup      — content-hash dedup: each whole history stored once (what content_hash would allow)
 *   msg_dedup  — each distinct message stored once, a checkpoint is an array of message hashes
 * The data: sessions whose history grows by appending (a checkpoint every few messages), like real agents.
 *
 *   npx tsx scripts/measure-checkpoint-storage.ts --url postgres://postgres@127.0.0.1:5432/postgres [--sessions 10 --checkpoints 50]
 *
 * Measured (PostgreSQL 15, default pglz TOAST), % of the raw JSON:
 *   500 checkpoints (10 × 50, 76 MB raw):   jsonb 28%, lz4 43%, gzip 20%, whole dedup 28%, message dedup 15%
 *   400 checkpoints (2 × 200, 241 MB raw):  jsonb 27%, lz4 43%, gzip 19%, whole dedup 28%, message dedup 10%
 *   200-message window of the largest checkpoint: jsonb slice in SQL 9–36 ms, gzip fetch + gunzip + parse 9–22 ms
 * Decision: keep jsonb. TOAST already compresses it ~3.6×; gzip would save another ~30% but lose the in-database
 * window (the page would fetch and inflate the whole history) and plain SQL over histories. Whole-history dedup
 * saves nothing (createCheckpoint already skips a replay of the latest). Message-level dedup is the only big win
 * (2–3× on long sessions, growing with length) but needs a message table, reassembly on restore and its own
 * garbage collection; CHECKPOINT_KEEP_LAST bounds the per-session growth it targets, so it is not worth it now.
 */
const words = (
  'the agent reads file function returns error retry tool search result query user request build test deploy ' +
  'config value string number array object because therefore however update patch branch commit review merge'
).split(' ');

function sentence(rand: () => number, n: number) {
  return Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
}

function message(rand: () => number, i: number) {
  const r = rand();
  if (r < 0.3) return { role: 'user', content: sentence(rand, 20 + Math.floor(rand() * 80)) };
  if (r < 0.6) {
    return {
      role: 'assistant',
      content: sentence(rand, 30 + Math.floor(rand() * 150)),
      tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'web_search', arguments: JSON.stringify({ q: sentence(rand, 6) }) } }],
    };
  }
  // Tool output: partly structured, partly opaque ids (compresses worse than prose).
  return {
    role: 'tool',
    tool_call_id: `call_${i}`,
    content: JSON.stringify({ id: randomBytes(8).toString('hex'), items: Array.from({ length: 5 }, () => ({ title: sentence(rand, 8), score: rand() })) }) + sentence(rand, 60),
  };
}

function prng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
}

runCli(async () => {
  const base = argValue('url') ?? process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('pass --url postgres://… (a server where a throwaway database may be created)');
  const sessions = Number(argValue('sessions', '10'));
  const perSession = Number(argValue('checkpoints', '50'));
  const messagesPerCheckpoint = Number(argValue('step', '8'));
  const name = `fd_measure_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
  try {
    const lz4 = (await sql`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`).length > 0;
    await sql.unsafe(`
      CREATE TABLE cp_jsonb (id serial PRIMARY KEY, history jsonb NOT NULL);
      CREATE TABLE cp_jsonb_lz4 (id serial PRIMARY KEY, history jsonb NOT NULL);
      ${lz4 ? 'ALTER TABLE cp_jsonb_lz4 ALTER COLUMN history SET COMPRESSION lz4;' : ''}
      CREATE TABLE cp_gzip (id serial PRIMARY KEY, history bytea NOT NULL);
      ALTER TABLE cp_gzip ALTER COLUMN history SET STORAGE EXTERNAL;
      CREATE TABLE cp_dedup_blob (hash text PRIMARY KEY, history jsonb NOT NULL);
      CREATE TABLE cp_dedup (id serial PRIMARY KEY, hash text NOT NULL REFERENCES cp_dedup_blob);
      CREATE TABLE cp_msg (hash text PRIMARY KEY, body jsonb NOT NULL);
      CREATE TABLE cp_msg_dedup (id serial PRIMARY KEY, hashes text[] NOT NULL);
    `);
    let rawBytes = 0;
    let checkpoints = 0;
    for (let s = 0; s < sessions; s++) {
      const rand = prng(s + 1);
      const history: unknown[] = [];
      for (let c = 0; c < perSession; c++) {
        for (let m = 0; m < messagesPerCheckpoint; m++) history.push(message(rand, history.length));
        const json = JSON.stringify(history);
        rawBytes += Buffer.byteLength(json);
        checkpoints++;
        const hash = createHash('sha256').update(json).digest('hex');
        const msgHashes = history.map((m) => createHash('sha256').update(JSON.stringify(m)).digest('hex'));
        await sql.begin(async (tx) => {
          await tx`INSERT INTO cp_jsonb (history) VALUES (${json}::jsonb)`;
          await tx`INSERT INTO cp_jsonb_lz4 (history) VALUES (${json}::jsonb)`;
          await tx`INSERT INTO cp_gzip (history) VALUES (${gzipSync(json)})`;
          await tx`INSERT INTO cp_dedup_blob (hash, history) VALUES (${hash}, ${json}::jsonb) ON CONFLICT DO NOTHING`;
          await tx`INSERT INTO cp_dedup (hash) VALUES (${hash})`;
          const newOnes = history.slice(-messagesPerCheckpoint).map((m, i) => ({ hash: msgHashes[msgHashes.length - messagesPerCheckpoint + i], body: JSON.stringify(m) }));
          for (const m of newOnes) await tx`INSERT INTO cp_msg (hash, body) VALUES (${m.hash}, ${m.body}::jsonb) ON CONFLICT DO NOTHING`;
          await tx`INSERT INTO cp_msg_dedup (hashes) VALUES (${msgHashes})`;
        });
      }
    }
    await sql`VACUUM ANALYZE`;
    const size = async (...tables: string[]) => {
      let n = 0;
      for (const t of tables) n += Number((await sql`SELECT pg_total_relation_size(${t}::regclass) AS n`)[0].n);
      return n;
    };
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    const results = [
      ['jsonb (pglz TOAST, today)', await size('cp_jsonb')],
      [lz4 ? 'jsonb (lz4 TOAST)' : 'jsonb lz4 (not available)', await size('cp_jsonb_lz4')],
      ['gzip bytea', await size('cp_gzip')],
      ['whole-history dedup', await size('cp_dedup', 'cp_dedup_blob')],
      ['message-level dedup', await size('cp_msg', 'cp_msg_dedup')],
    ] as const;

    // Read cost of the checkpoint page's window (200 messages) on the largest checkpoint.
    const time = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        await fn();
        runs.push(performance.now() - t0);
      }
      runs.sort((a, b) => a - b);
      return runs[Math.floor(runs.length / 2)];
    };
    const [{ id: bigId }] = await sql`SELECT id FROM cp_jsonb ORDER BY pg_column_size(history) DESC LIMIT 1`;
    const jsonbWindow = await time(() => sql`SELECT jsonb_path_query_array(history, 'lax $[0 to 199]') FROM cp_jsonb WHERE id = ${bigId}`);
    const gzipWindow = await time(async () => {
      const [r] = await sql`SELECT history FROM cp_gzip WHERE id = ${bigId}`;
      return (JSON.parse(gunzipSync(r.history as Buffer).toString('utf8')) as unknown[]).slice(0, 200);
    });

    console.log(`${checkpoints} checkpoints (${sessions} sessions × ${perSession}, +${messagesPerCheckpoint} messages each), raw JSON ${mb(rawBytes)}`);
    for (const [label, n] of results) console.log(`  ${label.padEnd(28)} ${mb(n).padStart(10)}   ${((n / rawBytes) * 100).toFixed(0)}% of raw`);
    console.log(`  window of 200 messages from the largest checkpoint: jsonb ${jsonbWindow.toFixed(1)} ms, gzip (fetch + gunzip + parse) ${gzipWindow.toFixed(1)} ms`);
  } finally {
    await sql.end();
    const a = postgres(base, { max: 1, onnotice: () => {} });
    await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  }
});
