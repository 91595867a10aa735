import readline from 'node:readline';
import { Writable } from 'node:stream';
import { recordAudit } from '@/lib/audit/log';
import { checkPassword } from '@/lib/auth/password-policy';
import { linkSlackUser, slackUserIdSchema } from '@/lib/auth/slack-link';
import { createUser } from '@/lib/auth/users';
import { eq } from 'drizzle-orm';
import { createDb } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { migrate } from '@/lib/db/migrate';
import { roles, type Role } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import { argValue, hasFlag, runCli } from './cli';

/**
 * npm run user:create -- --email E --role R [--name N] [--slack-user-id U…] [--password-stdin]
 * The password comes from a hidden prompt, or from standard input with --password-stdin (for scripts), never
 * from the command line where it would land in shell history and `ps`.
 */
const usage = 'usage: npm run user:create -- --email E --role admin|engineer|qa|manager|viewer [--name N] [--slack-user-id U…] [--password-stdin]';

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
  const slackArg = argValue('slack-user-id');
  const slack = slackArg === undefined ? null : slackUserIdSchema.safeParse(slackArg);
  if (slack && !slack.success) throw new Error(`--slack-user-id: ${slack.error.issues[0].message}`);
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
    if (slack?.success) {
      const [taken] = await handle.db.select({ email: user.email }).from(user).where(eq(user.slackUserId, slack.data));
      if (taken) throw new Error(`--slack-user-id ${slack.data} is already linked to ${taken.email}`);
    }
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
    if (slack?.success) {
      const cli = { kind: 'system' as const, id: 'cli', name: 'cli', via: 'job' as const };
      const linked = await linkSlackUser(handle.db, { userId: r.user.id, slackUserId: slack.data }, cli);
      if (!linked.ok) throw new Error(`created ${r.user.email}, but --slack-user-id is refused: ${linked.message}`);
    }
    console.log(`Created ${role} ${r.user.email}${slack?.success ? ` (Slack ${slack.data})` : ''} on ${handle.label}.`);
  } finally {
    await handle.close();
  }
});
