/** Who did something, as the domain records it (intervention_actions.actor, resolved_by, initiated_by). */
export type DomainActor = { id: string; label: string; type: 'user' | 'agent' | 'system' };

export function userActor(u: { id: string; email: string }): DomainActor {
  return { id: u.id, label: u.email, type: 'user' };
}

export function agentActor(token: { id: string; name: string }): DomainActor {
  return { id: token.id, label: `agent:${token.name}`, type: 'agent' };
}
