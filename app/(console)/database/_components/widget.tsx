'use client';
import { Component, type ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { formatTimeOfDay } from '@/lib/format/time';

/** The pieces every Database widget shares: skeleton, in-place error, and a guard against render errors. */
export function WidgetSkeleton({ title, height = 160 }: { title: string; height?: number }) {
  return (
    <Card title={title}>
      <div aria-busy="true" aria-label={`Loading ${title}`} className="animate-pulse space-y-2">
        <div className="h-4 w-1/3 rounded bg-slate-100" />
        <div className="rounded bg-slate-100" style={{ height }} />
      </div>
    </Card>
  );
}

export function WidgetError({ title, message }: { title: string; message: string }) {
  return (
    <Card title={title}>
      <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        Could not load {title.toLowerCase()}: {message}
      </div>
    </Card>
  );
}

/** A refresh failed but older figures are still shown: say so instead of pretending they are live. */
export function StaleNote({ error, updatedAt }: { error: Error | null; updatedAt: number }) {
  if (!error) return null;
  return (
    <p role="status" className="mb-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-800">
      Refresh failed ({error.message}); showing figures from {formatTimeOfDay(updatedAt)}.
    </p>
  );
}

export class WidgetBoundary extends Component<{ title: string; children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (this.state.error) return <WidgetError title={this.props.title} message={this.state.error.message} />;
    return this.props.children;
  }
}
