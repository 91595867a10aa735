import readline from 'node:readline';
import { Writable } from 'node:stream';
import { recordAudit } from '@/lib/audit/log';
import { checkPassword } from '@/lib/auth/password-policy';
import { createUser } from '@/lib/auth/users';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { roles, type Role } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import { argValue, hasFlag, runCli } from './cli';

/**
 * npm run user:create -- --email E --role R [--name N] [--password-stdin]
 * The password comes from a hidden prompt, or from standard input with --password-stdin (for scripts), never
 * from the command line where it would land in shell history and `ps`.
 */
const usage = 'usage: npm run user:create -- --email E --role admin|engineer|qa|manager|viewer [--name N] [--password-stdin]';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function prompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error(`no terminal to ask for the password; use --password-stdin (${usage})`);
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = true;
  const value = await answer;
  rl.close();
  process.stdout.write('\n');
  return value;
}

runCli(async () => {
  const email = argValue('email');
  const role = argValue('role') as Role | undefined;
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`--email is missing or invalid (${usage})`);
  if (!role || !roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')} (${usage})`);
  let password: string;
  if (hasFlag('password-stdin')) password = await readStdin();
  else {
    password = await prompt(`Password for ${email}: `);
    if ((await prompt('Repeat it: ')) !== password) throw new Error('the two passwords differ');
  }
  const strength = checkPassword(password, { email, name: argValue('name') });
  if (!strength.ok) throw new Error(`the password is refused: ${strength.message}`);

  const handle = await createDb({ url: env().DATABASE_URL });
  try {
    await migrate(handle.db);
    const r = await createUser(handle.db, { email, role, password, name: argValue('name') });
    if (!r.ok) {
      throw new Error(r.reason === 'exists' ? `a user with the email ${email.toLowerCase()} already exists` : `the password is refused: ${r.message}`);
    }
    await recordAudit(handle.db, {
      actor: { kind: 'system', id: 'cli', name: 'cli', via: 'job' },
      action: 'user.create',
      targetType: 'user',
      targetId: r.user.id,
      outcome: 'success',
      details: { email: r.user.email, role, via: 'cli' },
    });
    console.log(`Created ${role} ${r.user.email} on ${handle.label}.`);
  } finally {
    await handle.close();
  }
});
