import 'server-only';
import { cache } from 'react';
import { recoveryStats } from '@/lib/checkpoints/queries';
import { getDb } from '@/lib/db/client';

/** One query per request for both stat cards and both charts (React's per-request cache). */
export const getRecoveryStats = cache(async (days: number) => recoveryStats(await getDb(), { days }));
