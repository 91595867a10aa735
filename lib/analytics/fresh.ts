import 'server-only';
import { cache } from 'react';
import { getDb } from '@/lib/db/client';
import { log } from '@/lib/log';
import { FRESHEN_MAX_PENDING } from './page-data';
import { refreshRollups } from './rollups';

/**
 * Refresh-on-read: before a page reads the roll-ups, fold in the few hours written since the job last ran, so a
 * tool execution posted a second ago is on the chart. Bounded (a bulk load's backlog is left to the job) and
 * non-blocking (skipped while another instance refreshes); once per request.
 */
export const freshenRollups = cache(async () => {
  try {
    await refreshRollups(await getDb(), { maxPending: FRESHEN_MAX_PENDING });
  } catch (err) {
    log().error({ err }, 'roll-up refresh on read failed');
  }
});
