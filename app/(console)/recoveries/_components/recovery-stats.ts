import 'server-only';
import { cache } from 'react';
import { recoveryStats } from '@/lib/checkpoints/queries';
import { getReadDb } from '@/lib/db/replica';
import type { TimeRange } from '@/lib/analytics/range';

/**
 * One query per request for both stat cards and both charts (React's per-request cache; the key is the span's
 * bounds in ms because the cache compares arguments by identity).
 */
const statsFor = cache(async (from: number, to: number) => recoveryStats(await getReadDb(), { from: new Date(from), to: new Date(to) }));
export const getRecoveryStats = (range: Pick<TimeRange, 'from' | 'to'>) => statsFor(range.from.getTime(), range.to.getTime());
