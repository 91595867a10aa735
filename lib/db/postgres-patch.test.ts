import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * scripts/patch-postgres.mjs (postinstall) guards postgres.js's nextWrite against a closed connection; without it a
 * backend killed at the wrong moment leaves a statement pending forever (found by the fault soak). This checks
 * that the install applied it to both builds of the driver, the one Next bundles (src) and the one Node loads (cjs).
 */
describe('postgres.js nextWrite guard', () => {
  for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
    it(`is applied to node_modules/postgres/${rel}`, () => {
      const text = fs.readFileSync(path.join(process.cwd(), 'node_modules/postgres', rel), 'utf8');
      const body = text.slice(text.indexOf('function nextWrite('), text.indexOf('function connectTimedOut('));
      expect(body).toContain('if (socket === null)');
      expect(body).toContain("error(Errors.connection('CONNECTION_CLOSED'");
      expect(body.indexOf('if (socket === null)')).toBeLessThan(body.indexOf('socket.write('));
    });
  }
});
