import { roles, type Role } from '@/lib/db/schema/enums';
import type { TokenScope } from './permissions';

/**
 * Who asks for a state change, and through which door. The one "who" type: guards turn a request into an Actor
 * (a signed-in person, an API token, or the system itself), commands take it as their third argument and trust
 * it, and the audit writer records it. `via` says which door it came through.
 */
export type Via = 'browser' | 'api' | 'slack' | 'mcp' | 'job';

/** Where the request came from, when there was one; the audit writer records it. */
type Origin = { ip?: string | null; userAgent?: string | null };

export type Actor =
  | ({
      kind: 'user';
      id: string;
      email: string;
      name: string;
      role: Role;
      via: Via;
      /** A person acting through one of their API tokens (an MCP assistant): the audit row names the token. */
      viaToken?: { id: string; name: string };
    } & Origin)
  | ({ kind: 'token'; id: string; name: string; scopes: TokenScope[]; via: Via } & Origin)
  | ({ kind: 'system'; id: string; name: string; via: Via } & Origin);

export type ActorOf<K extends Actor['kind']> = Extract<Actor, { kind: K }>;

/** How the domain names the actor in its own rows (intervention_actions.actor, resolved_by, initiated_by). */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'user') return actor.email;
  if (actor.kind === 'token') return `agent:${actor.name}`;
  return actor.name;
}

/** intervention_actions.actor_type: a token is an agent. */
export function actorType(actor: Actor): 'user' | 'agent' | 'system' {
  return actor.kind === 'token' ? 'agent' : actor.kind;
}

/** A person as an Actor, from a user row or session (an unknown role reads as viewer, as in getCurrentUser). */
export function userActor(
  u: { id: string; email: string; name?: string | null; role?: string | null },
  via: Via = 'browser',
): ActorOf<'user'> {
  const role = (roles as readonly string[]).includes(u.role ?? '') ? (u.role as Role) : 'viewer';
  return { kind: 'user', id: u.id, email: u.email, name: u.name ?? u.email, role, via };
}
