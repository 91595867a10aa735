import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A private Postgres server for fault tests: initdb + pg_ctl on a free port under a temp folder, so a test may
 * kill backends, stop and restart it without touching the shared server. initdb refuses to run as root, so as
 * root the server runs as the `postgres` user (runuser) in a folder it owns.
 */
export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export type PgServer = {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  destroy(): void;
};

type Runner = {
  dir: string;
  run(cmd: string, args: string[]): void;
  runAsync(cmd: string, args: string[]): Promise<void>;
};

/** A temp folder the server's user owns, and how to run its binaries there (as `postgres` when root). */
function privateFolder(prefix: string): Runner {
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const argv = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return {
    dir,
    run: (cmd, args) => void execFileSync(...argv(cmd, args), { stdio: 'pipe', cwd: dir }),
    // Asynchronous, so that the test's workload keeps running while the server goes down and comes back.
    runAsync: (cmd, args) =>
      new Promise<void>((resolve, reject) =>
        execFile(...argv(cmd, args), { cwd: dir }, (err, _out, stderr) =>
          err ? reject(new Error(`${path.basename(cmd)} failed: ${stderr || err.message}`)) : resolve(),
        ),
      ),
  };
}

/** Starts the cluster in `<dir>/data` on `port` and returns its controls. */
function controlled(bin: string, f: Runner, port: number): PgServer {
  const data = path.join(f.dir, 'data');
  const ctlArgs = (action: string, extra: string[] = []) => [
    '-D',
    data,
    '-l',
    path.join(f.dir, 'log'),
    '-w',
    '-t',
    '30',
    ...extra,
    '-o',
    `-p ${port} -k ${f.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    action,
  ];
  const pgctl = (action: string, extra: string[] = []) => f.runAsync(path.join(bin, 'pg_ctl'), ctlArgs(action, extra));
  f.run(path.join(bin, 'pg_ctl'), ctlArgs('start'));
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pgctl('stop', ['-m', 'fast']),
    start: () => pgctl('start'),
    restart: () => pgctl('restart', ['-m', 'fast']),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      try {
        f.run(path.join(bin, 'pg_ctl'), ctlArgs('stop', ['-m', 'immediate']));
      } catch {
        // already stopped
      }
      fs.rmSync(f.dir, { recursive: true, force: true });
    },
  };
}

function pgBin(): string {
  const bin = findPgBin();
  if (!bin) throw new Error('initdb not found under /usr/lib/postgresql/*/bin');
  return bin;
}

/** `port`: a fixed port (the soak uses its own range); a free one by default. The default wal_level (replica)
 * and initdb's trust lines for replication connections let `startPgReplica` stream from it. */
export async function startPgServer(options: { port?: number } = {}): Promise<PgServer> {
  const bin = pgBin();
  const f = privateFolder('fd-pg-');
  const port = options.port ?? (await freePort());
  f.run(path.join(bin, 'initdb'), ['-D', path.join(f.dir, 'data'), '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
  return controlled(bin, f, port);
}

/** A streaming replica of `primary` (pg_basebackup -R: standby.signal and primary_conninfo), started on its own port. */
export async function startPgReplica(primary: PgServer, options: { port?: number } = {}): Promise<PgServer> {
  const bin = pgBin();
  const f = privateFolder('fd-pg-replica-');
  const port = options.port ?? (await freePort());
  f.run(path.join(bin, 'pg_basebackup'), ['-D', path.join(f.dir, 'data'), '-d', `${primary.url}?application_name=replica`, '-R', '-X', 'stream', '-c', 'fast']);
  return controlled(bin, f, port);
}

export function findPgBouncer(): string | null {
  return ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p)) ?? null;
}

export type PgBouncer = { url: string; port: number; log(): string; destroy(): void };

/**
 * PgBouncer (Debian's package) in front of `server`, in `mode`, trust auth, in a temp folder it owns. `ignore`:
 * startup parameters it drops instead of refusing the connection (`ignore_startup_parameters`).
 */
export async function startPgBouncer(
  server: PgServer,
  options: { mode: 'session' | 'transaction'; ignore?: string[]; poolSize?: number },
): Promise<PgBouncer> {
  const binary = findPgBouncer();
  if (!binary) throw new Error('pgbouncer not found (apt-get install pgbouncer)');
  const f = privateFolder('fd-pgbouncer-');
  const port = await freePort();
  const file = (name: string) => path.join(f.dir, name);
  fs.writeFileSync(file('users.txt'), '"postgres" ""\n');
  fs.writeFileSync(
    file('pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${file('users.txt')}`,
      `pool_mode = ${options.mode}`,
      `default_pool_size = ${options.poolSize ?? 10}`,
      'max_client_conn = 200',
      `logfile = ${file('pgbouncer.log')}`,
      `pidfile = ${file('pgbouncer.pid')}`,
      ...(options.ignore?.length ? [`ignore_startup_parameters = ${options.ignore.join(',')}`] : []),
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', f.dir]);
  f.run(binary, ['-d', file('pgbouncer.ini')]);
  for (let i = 0; i < 50 && !fs.existsSync(file('pgbouncer.pid')); i++) await new Promise((r) => setTimeout(r, 100));
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    log: () => (fs.existsSync(file('pgbouncer.log')) ? fs.readFileSync(file('pgbouncer.log'), 'utf8') : ''),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      try {
        process.kill(Number(fs.readFileSync(file('pgbouncer.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        // not running
      }
      fs.rmSync(f.dir, { recursive: true, force: true });
    },
  };
}
