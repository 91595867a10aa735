/**
 * postinstall: guards postgres.js's nextWrite against a closed connection (porsager/postgres#1154, #1208; the fix
 * of open PR #1209, not released as of 3.4.9).
 *
 * A write under 1 KB is flushed from a setImmediate. When the backend dies in between, closed() has set the socket to
 * null and the immediate throws "Cannot read properties of null (reading 'write')" as an uncaughtException — and
 * the statement whose bytes were in that write never settles. Found by the fault soak: four such statements held
 * all four slots of the app's pool until the end of the run (/api/health 503 for good). With the guard the
 * statement is rejected with CONNECTION_CLOSED like any other statement on a lost connection, which the data
 * layer retries or answers with 503.
 *
 * Idempotent; fails the install if postgres.js changed so that the patch no longer applies (then check whether
 * the release fixed it and drop this script).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* flightdeck: guard closed socket (porsager/postgres#1208) */';
const ORIGINAL = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const PATCHED = `  function nextWrite(fn) {
    if (socket === null) { ${MARK}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
if (!fs.existsSync(root)) process.exit(0); // postgres.js not installed (yet): nothing to patch
for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  if (!text.includes(ORIGINAL)) {
    console.error(`scripts/patch-postgres.cjs: ${file} has no unguarded nextWrite; check the postgres.js release notes`);
    process.exit(1);
  }
  fs.writeFileSync(file, text.replace(ORIGINAL, PATCHED));
  console.log(`patched ${path.relative(process.cwd(), file)} (nextWrite on a closed connection)`);
}
