import { clsx } from 'clsx';

/** The tones of `.badge-<tone>` in app/globals.css. */
export const tones = ['gray', 'green', 'red', 'amber', 'blue', 'violet'] as const;

export type Tone = (typeof tones)[number];

export function Badge({ tone = 'gray', children, className }: { tone?: Tone; children: React.ReactNode; className?: string }) {
  return (
    <span className={clsx('badge', `badge-${tone}`, className)}>
      {children}
    </span>
  );
}

const statusTones: Record<string, Tone> = {
  running: 'blue',
  paused: 'amber',
  recovering: 'violet',
  completed: 'green',
  failed: 'red',
  aborted: 'gray',
  in_progress: 'violet',
  succeeded: 'green',
  abandoned: 'gray',
  resumed: 'green',
  restored: 'violet',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTones[status] ?? 'gray'}>{status.replace(/_/g, ' ')}</Badge>;
}
