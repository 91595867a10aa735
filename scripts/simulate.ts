import fs from 'node:fs';
import { startSimulator, type AdoptedSession } from '@/lib/simulator';
import { argValue, hasFlag, runCli } from './cli';

/**
 * npm run simulate -- --agents 5 --url http://localhost:3000 --token fd_… [--minutes 10] [--adopt sessions.json]
 * A fleet of fake agents using the typed API client; one log line per notable action. Ctrl-C stops it.
 * The token may also come from FLIGHTDECK_TOKEN (it needs the ingest and control scopes). --adopt names a JSON
 * file of live runs to carry on ([{ project, agent, externalId, status }], as `npm run demo` writes it).
 */
runCli(async () => {
  if (hasFlag('help')) {
    console.log('usage: npm run simulate -- --agents N --url URL --token TOKEN [--minutes M] [--adopt FILE]');
    return;
  }
  const agents = Number(argValue('agents', '3'));
  const url = argValue('url', process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`)!;
  const token = argValue('token', process.env.FLIGHTDECK_TOKEN);
  const minutesArg = argValue('minutes');
  const minutes = minutesArg ? Number(minutesArg) : undefined;
  const adoptFile = argValue('adopt');
  if (!token) throw new Error('--token (or FLIGHTDECK_TOKEN) is required: an API token with the ingest and control scopes');
  if (!Number.isInteger(agents) || agents < 0 || agents > 500) throw new Error('--agents must be an integer from 0 to 500');
  if (minutes !== undefined && !(minutes > 0)) throw new Error('--minutes must be a positive number');
  const adopt = adoptFile ? (JSON.parse(fs.readFileSync(adoptFile, 'utf8')) as AdoptedSession[]) : [];
  const time = () => new Date().toISOString().slice(11, 19);
  console.log(
    `${time()} simulating ${agents} agent(s)${adopt.length ? ` and carrying on ${adopt.length} live run(s)` : ''} against ${url}` +
      (minutes ? ` for ${minutes} min` : ' until stopped'),
  );
  const sim = startSimulator({ url, token, agents, minutes, adopt, log: (line) => console.log(`${time()} ${line}`) });
  const stop = () => {
    console.log(`${time()} stopping…`);
    void sim.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  await sim.done;
});
