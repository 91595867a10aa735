import { create, type Delta } from 'jsondiffpatch';

/**
 * Structural diff of two checkpoint states (jsondiffpatch). The conversation history is diffed as an array of
 * messages identified by an object hash — the message's own id when it has one, else its whole content — so a
 * message inserted in the middle is one insert, not N changes; a removal and an insertion at the same place are
 * reported as one "changed" message. The other fields are reported as field changes by path. Runs on the server:
 * the browser receives only the first `limit` message changes and a capped raw delta.
 */
export type CheckpointState = {
  conversationHistory: unknown[];
  currentTaskId: string | null;
  completedTasks: string[];
  metricsSnapshot: Record<string, unknown>;
};

export type MessageChange =
  | { kind: 'added'; index: number; after: string }
  | { kind: 'removed'; fromIndex: number; before: string }
  | { kind: 'changed'; index: number; fromIndex: number; before: string; after: string };

export type FieldChange = { path: string; kind: 'added' | 'removed' | 'changed'; before?: string; after?: string };

export type StateDiff = {
  identical: boolean;
  messages: { added: number; removed: number; changed: number; total: number; items: MessageChange[] };
  fields: FieldChange[];
  raw: string;
  rawTruncated: boolean;
};

export const PREVIEW_CHARS = 600;
export const RAW_MAX_CHARS = 200_000;

// The LCS asks for the same item's hash many times: stringify each message once.
const hashes = new WeakMap<object, string>();

function messageHash(item: object): string {
  const known = hashes.get(item);
  if (known !== undefined) return known;
  const m = item as Record<string, unknown>;
  let h: string | undefined;
  for (const key of ['id', 'message_id', 'messageId']) {
    const v = m[key];
    if (h === undefined && (typeof v === 'string' || typeof v === 'number')) h = `${key}:${v}`;
  }
  h ??= JSON.stringify(item);
  hashes.set(item, h);
  return h;
}

const differ = create({ objectHash: messageHash, arrays: { detectMove: false }, cloneDiffValues: false });

export function preview(value: unknown, max = PREVIEW_CHARS): string {
  const s = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

type ArrayDelta = Record<string, unknown> & { _t: 'a' };

/** Added right indices, removed left indices and modified right indices of an array delta. */
function arrayDeltaParts(delta: ArrayDelta | undefined) {
  const added = new Set<number>();
  const removed = new Set<number>();
  const modified: number[] = [];
  for (const [key, d] of Object.entries(delta ?? {})) {
    if (key === '_t') continue;
    if (key.startsWith('_')) removed.add(Number(key.slice(1)));
    else if (Array.isArray(d) && d.length === 1) added.add(Number(key));
    else modified.push(Number(key));
  }
  return { added, removed, modified };
}

/** Message changes between two histories, in reading order of the new history. */
export function diffMessages(from: unknown[], to: unknown[]): MessageChange[] {
  return messageChanges(from, to, differ.diff(from, to) as ArrayDelta | undefined);
}

function messageChanges(from: unknown[], to: unknown[], delta: ArrayDelta | undefined): MessageChange[] {
  if (!delta) return [];
  const { added, removed, modified } = arrayDeltaParts(delta);
  // Kept elements (unchanged or modified in place) pair up in order between the two arrays.
  const leftKept: number[] = [];
  const rightKept: number[] = [];
  for (let i = 0; i < from.length; i++) if (!removed.has(i)) leftKept.push(i);
  for (let j = 0; j < to.length; j++) if (!added.has(j)) rightKept.push(j);
  const rightPos = new Map(rightKept.map((j, k) => [j, k]));
  // Anchor = number of kept elements before a position: a removal and an insertion with the same anchor replace
  // each other ("changed").
  const anchorOf = (kept: number[], at: number) => {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const removedByAnchor = new Map<number, number[]>();
  for (const i of [...removed].sort((a, b) => a - b)) {
    const a = anchorOf(leftKept, i);
    removedByAnchor.set(a, [...(removedByAnchor.get(a) ?? []), i]);
  }
  const out: { order: number; change: MessageChange }[] = [];
  for (const j of [...added].sort((a, b) => a - b)) {
    const pending = removedByAnchor.get(anchorOf(rightKept, j));
    const i = pending?.shift();
    if (i !== undefined) out.push({ order: j, change: { kind: 'changed', index: j, fromIndex: i, before: preview(from[i]), after: preview(to[j]) } });
    else out.push({ order: j, change: { kind: 'added', index: j, after: preview(to[j]) } });
  }
  for (const j of modified) {
    const i = leftKept[rightPos.get(j) ?? 0];
    out.push({ order: j, change: { kind: 'changed', index: j, fromIndex: i, before: preview(from[i]), after: preview(to[j]) } });
  }
  for (const [a, rest] of removedByAnchor) {
    // A removal is shown where the kept element after it now stands in the new history.
    const at = a < rightKept.length ? rightKept[a] - 0.5 : to.length;
    for (const i of rest) out.push({ order: at, change: { kind: 'removed', fromIndex: i, before: preview(from[i]) } });
  }
  return out.sort((x, y) => x.order - y.order).map((x) => x.change);
}

/** Field changes of a (non-array-of-messages) delta, flattened to dotted paths. */
export function flattenDelta(delta: Delta, path = ''): FieldChange[] {
  if (delta === undefined) return [];
  if (Array.isArray(delta)) {
    if (delta.length === 1) return [{ path, kind: 'added', after: preview(delta[0]) }];
    if (delta.length === 2) return [{ path, kind: 'changed', before: preview(delta[0]), after: preview(delta[1]) }];
    if (delta[2] === 0) return [{ path, kind: 'removed', before: preview(delta[0]) }];
    return [{ path, kind: 'changed', after: preview(delta[0]) }];
  }
  const isArray = (delta as Record<string, unknown>)._t === 'a';
  return Object.entries(delta as Record<string, Delta>).flatMap(([key, d]) => {
    if (key === '_t') return [];
    const name = isArray ? `[${key.replace(/^_/, '')}]` : path ? `.${key}` : key;
    return flattenDelta(d, `${path}${name}`);
  });
}

function restOf(s: CheckpointState) {
  return { currentTaskId: s.currentTaskId, completedTasks: s.completedTasks, metricsSnapshot: s.metricsSnapshot };
}

export function diffStates(from: CheckpointState, to: CheckpointState, opts: { limit?: number } = {}): StateDiff {
  const limit = opts.limit ?? 50;
  const historyDelta = differ.diff(from.conversationHistory, to.conversationHistory) as ArrayDelta | undefined;
  const messages = messageChanges(from.conversationHistory, to.conversationHistory, historyDelta);
  const fieldDelta = differ.diff(restOf(from), restOf(to));
  const fields = flattenDelta(fieldDelta);
  const rawDelta = { ...(historyDelta ? { conversationHistory: historyDelta } : {}), ...((fieldDelta as object) ?? {}) };
  const rawFull = JSON.stringify(rawDelta, null, 2);
  const count = (k: MessageChange['kind']) => messages.filter((m) => m.kind === k).length;
  return {
    identical: messages.length === 0 && fields.length === 0,
    messages: { added: count('added'), removed: count('removed'), changed: count('changed'), total: messages.length, items: messages.slice(0, limit) },
    fields,
    raw: rawFull.length > RAW_MAX_CHARS ? rawFull.slice(0, RAW_MAX_CHARS) : rawFull,
    rawTruncated: rawFull.length > RAW_MAX_CHARS,
  };
}
