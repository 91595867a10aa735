import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * nginx (Debian's package) as the load balancer in front of N app instances, for `npm run cluster` and
 * `npm run bench:fleet -- --instances K`. It runs in the foreground (`daemon off`) from a folder the caller owns,
 * with its own pid, logs and temp paths there, so nothing in /etc/nginx is touched and a crash of the caller's
 * process group takes it down too.
 *
 * Live updates are server-sent events: buffering off and a long read timeout, so a stream held through nginx sees
 * each event as the instance writes it. `X-Forwarded-For` is set to the peer nginx saw (not appended to what the
 * client sent), so with TRUSTED_PROXIES=127.0.0.1 the app takes the client's address from nginx alone.
 */
export type Nginx = {
  url: string;
  port: number;
  /** Instances nginx sends to; `setUpstreams` rewrites the list and reloads (zero downtime, SIGHUP). */
  setUpstreams(ports: number[]): void;
  stop(): Promise<void>;
  accessLog: string;
  errorLog: string;
};

export function findNginx(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  return null;
}

/** One line that says how to get nginx, for a caller to print when `findNginx()` is null. */
export function nginxMissing(): string {
  return process.getuid?.() === 0
    ? 'nginx is not installed: run `apt-get install -y nginx` (Debian) and try again'
    : 'nginx is not installed: ask an administrator to run `apt-get install -y nginx` (Debian), then try again';
}

/** Installs Debian's nginx when running as root and it is missing; false when it is (still) missing. */
export function ensureNginx(): boolean {
  if (findNginx()) return true;
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'nginx'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    return false;
  }
  return findNginx() !== null;
}

/**
 * Upstream settings. The defaults suit the cluster run (an instance stopped mid-run is taken out within 2 s). A
 * saturating benchmark wants `maxFails: 0` (a slow instance is not "down": with both marked down for 2 s every
 * request got 502 "no live upstreams"), a longer connect timeout and an idle pool as large as the concurrency.
 */
export type UpstreamTuning = { maxFails?: number; keepalive?: number; connectTimeoutS?: number };

function config(dir: string, port: number, upstreams: number[], tuning: UpstreamTuning = {}): string {
  const { maxFails = 1, keepalive = 256, connectTimeoutS = 2 } = tuning;
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=${maxFails} fail_timeout=2s;`).join('\n');
  return `# written by scripts/lib/nginx.ts
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16384; }
worker_rlimit_nofile 40000;
http {
  # Buffered: one write per 64 KB or per second, not one per request (a fleet sends ~1,000 requests a second).
  access_log ${dir}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 8m;
  upstream flightdeck {
${servers}
    keepalive ${keepalive};
    # Below the instances' keep-alive time (HTTP_KEEP_ALIVE_TIMEOUT_S, 65 s by default; lib/http/keep-alive.ts):
    # nginx closes an idle upstream connection before the instance does, so it never sends a request on a socket the
    # instance is closing (a POST there is answered 502, "recv() failed (104)").
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://flightdeck;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 3600s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout ${connectTimeoutS}s;
    }
  }
}
`;
}

async function waitForPort(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Starts nginx on `port` in `dir` (created), balancing over `upstreams` (ports on 127.0.0.1). 10 s bound. */
export async function startNginx(opts: { dir: string; port: number; upstreams: number[]; tuning?: UpstreamTuning }): Promise<Nginx> {
  const bin = findNginx();
  if (!bin) throw new Error(nginxMissing());
  fs.mkdirSync(opts.dir, { recursive: true });
  const conf = path.join(opts.dir, 'nginx.conf');
  fs.writeFileSync(conf, config(opts.dir, opts.port, opts.upstreams, opts.tuning));
  const child: ChildProcess = spawn(bin, ['-c', conf, '-p', opts.dir, '-e', path.join(opts.dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await waitForPort(opts.port, 10_000))) {
    child.kill('SIGKILL');
    throw new Error(`nginx did not listen on ${opts.port} within 10 s: ${stderr.trim() || 'see ' + path.join(opts.dir, 'error.log')}`);
  }
  return {
    url: `http://127.0.0.1:${opts.port}`,
    port: opts.port,
    accessLog: path.join(opts.dir, 'access.log'),
    errorLog: path.join(opts.dir, 'error.log'),
    setUpstreams(ports) {
      fs.writeFileSync(conf, config(opts.dir, opts.port, ports, opts.tuning));
      child.kill('SIGHUP');
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGQUIT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
