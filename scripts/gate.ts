import { ApiError, createClient } from '@/lib/api-client';
import { argValue } from './cli';

/**
 * The step a CI job runs before deploying:
 *   FLIGHTDECK_URL=https://flightdeck.example.com FLIGHTDECK_TOKEN=fd_… npm run gate -- --checklist <id> --wait 600
 * Long-polls the checklist's release gate for up to --wait seconds (default 0: ask once) and exits
 *   0  the gate passed,   1  it failed,   2  still pending when the wait ran out,   3  it could not be asked.
 * Prints the gate's state and, one line each, what is missing. The token needs the `checklists` scope.
 */
const usage = 'usage: npm run gate -- --checklist <id> [--wait SECONDS] (env FLIGHTDECK_URL, FLIGHTDECK_TOKEN)';
const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code: number) => {
  process.stderr.write(`${line}\n`);
  process.exit(code);
};

async function main() {
  const checklist = argValue('checklist');
  const wait = Number(argValue('wait', '0'));
  const url = process.env.FLIGHTDECK_URL;
  const token = process.env.FLIGHTDECK_TOKEN;
  if (!checklist) return fail(`error: --checklist is missing (${usage})`, 3);
  if (!Number.isFinite(wait) || wait < 0 || wait > 86_400) return fail(`error: --wait must be 0 to 86400 seconds (${usage})`, 3);
  if (!url || !token) return fail(`error: set FLIGHTDECK_URL and FLIGHTDECK_TOKEN (${usage})`, 3);
  const fd = createClient({ baseUrl: url, token, userAgent: 'flightdeck-gate' });
  try {
    const gate = await fd.waitForGate(checklist, { timeoutMs: wait * 1000 });
    const release = [gate.version, gate.environment].filter(Boolean).join(' → ');
    out(`gate ${gate.state}: ${gate.title}${release ? ` (${release})` : ''}`);
    for (const m of gate.missing) out(`  - ${m.message}`);
    for (const s of gate.signoffs.filter((x) => !x.voidedAt)) out(`  ✓ ${s.role} signed by ${s.signedByName ?? s.signedBy}`);
    if (gate.state === 'pending') out(`still pending after ${wait} s`);
    process.exit(gate.state === 'pass' ? 0 : gate.state === 'fail' ? 1 : 2);
  } catch (err) {
    fail(`error: ${err instanceof ApiError ? `${err.status} ${err.message}` : err instanceof Error ? err.message : String(err)}`, 3);
  }
}

void main();
