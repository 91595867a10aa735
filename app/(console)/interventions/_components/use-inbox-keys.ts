'use client';
import { useEffect, useRef } from 'react';

export type InboxKey = 'next' | 'previous' | 'resume' | 'abort' | 'restore' | 'note' | 'select' | 'help';

const keys: Record<string, InboxKey> = {
  j: 'next',
  k: 'previous',
  r: 'resume',
  a: 'abort',
  e: 'restore',
  n: 'note',
  x: 'select',
  '?': 'help',
};

/** Typing in a field, a key with a modifier, or an open dialog: the key belongs to someone else. */
function ignored(e: KeyboardEvent) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return true;
  const t = e.target as HTMLElement | null;
  if (t?.closest('input, textarea, select, [contenteditable="true"], dialog')) return true;
  return Boolean(document.querySelector('dialog[open]'));
}

/** The inbox's single-key shortcuts (listed in KeyboardHelp), on the whole page while it is mounted. */
export function useInboxKeys(onKey: (key: InboxKey) => void) {
  const handler = useRef(onKey);
  useEffect(() => {
    handler.current = onKey;
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => {
      const key = keys[e.key];
      if (!key || ignored(e)) return;
      e.preventDefault();
      handler.current(key);
    };
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
