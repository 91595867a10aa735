'use server';
import { revalidatePath } from 'next/cache';
import { guardedAction } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { deleteEscalationPolicy, saveEscalationPolicy, setOnCall } from '@/lib/escalation/policies';
import { deletePolicySchema, onCallSchema, policySchema } from '@/lib/escalation/schemas';

/** Settings → Escalation (admins): save or delete a policy, put someone on call. Each is one command. */
export const savePolicyAction = guardedAction(
  'escalation:manage',
  policySchema,
  async (input, me) => {
    const r = await saveEscalationPolicy(await getDb(), input, me);
    if (!r.ok) return r.reason === 'invalid' ? { error: r.message, fieldErrors: r.fieldErrors } : { error: r.message };
    revalidatePath('/settings/escalation');
    revalidatePath('/interventions');
    return { ok: true };
  },
  { audit: 'escalation.policy_save' },
);

export const deletePolicyAction = guardedAction(
  'escalation:manage',
  deletePolicySchema,
  async (input, me) => {
    const r = await deleteEscalationPolicy(await getDb(), input, me);
    if (!r.ok) return { error: r.message };
    revalidatePath('/settings/escalation');
    return { ok: true };
  },
  { audit: 'escalation.policy_delete', auditDetails: (i) => ({ policyId: i.id }) },
);

export const setOnCallAction = guardedAction(
  'escalation:manage',
  onCallSchema,
  async (input, me) => {
    const r = await setOnCall(await getDb(), input, me);
    if (!r.ok) return { error: r.message };
    revalidatePath('/settings/escalation');
    return { ok: true };
  },
  { audit: 'escalation.on_call', auditDetails: (i) => ({ userId: i.userId, role: i.role }) },
);
