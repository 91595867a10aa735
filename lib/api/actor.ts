import { agentActor, userActor, type DomainActor } from '@/lib/auth/actor';
import type { Actor } from '@/lib/auth/guards';

export function domainActorOf(actor: Actor): DomainActor {
  return actor.kind === 'token' ? agentActor(actor) : userActor(actor);
}
