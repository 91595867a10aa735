import { describeStartupError } from '@/lib/db/startup';
import { installDbObservability } from '@/lib/observability/install';

/** Runs a script's main (its database handles behind the pool monitor, as in the server); a failure prints one clear line (no stack trace) and exits 1. */
export function runCli(main: () => Promise<void>) {
  installDbObservability();
  main().then(
    () => process.stdout.write('', () => process.exit(0)),
    (err) => {
      console.error(`error: ${describeStartupError(err)}`);
      if (process.env.DEBUG) console.error(err);
      process.exit(1);
    },
  );
}

export function argValue(name: string, fallback?: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

export function hasFlag(name: string) {
  return process.argv.slice(2).includes(`--${name}`);
}
