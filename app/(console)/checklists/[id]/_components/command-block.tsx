import { CopyButton } from './copy-button';

export function CommandBlock({ command }: { command: string }) {
  return (
    <div className="relative mt-1.5 rounded-md bg-slate-900">
      <div className="absolute right-1.5 top-1.5">
        <CopyButton text={command} />
      </div>
      <pre className="overflow-x-auto px-3 py-2 pr-16 font-mono text-xs leading-5 text-slate-100">
        <code>{command}</code>
      </pre>
    </div>
  );
}
