'use client';
import { useState } from 'react';

/** Copies a command. Falls back to a hidden textarea where the Clipboard API is missing (plain-HTTP hosts). */
export function CopyButton({ text, label = 'Copy command' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const ta = document.createElement('textarea');
        ta.value = text;
        ta.style.position = 'fixed';
        ta.style.opacity = '0';
        document.body.appendChild(ta);
        ta.select();
        const ok = document.execCommand('copy');
        ta.remove();
        if (!ok) throw new Error('copy refused');
      }
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1_500);
  }
  return (
    <button
      type="button"
      onClick={copy}
      aria-label={label}
      className="rounded px-1.5 py-0.5 text-[11px] font-medium text-slate-300 ring-1 ring-slate-600 hover:bg-slate-700 hover:text-white"
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select & copy' : 'Copy'}
    </button>
  );
}
