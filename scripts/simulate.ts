import { startSimulator } from '@/lib/simulator';
import { argValue, hasFlag, runCli } from './cli';

/**
 * npm run simulate -- --agents 5 --url http://localhost:3000 --token fd_… [--minutes 10]
 * A fleet of fake agents using the typed API client; one log line per notable action. Ctrl-C stops it.
 * The token may also come from FLIGHTDECK_TOKEN (it needs the ingest and control scopes).
 */
runCli(async () => {
  if (hasFlag('help')) {
    console.log('usage: npm run simulate -- --agents N --url URL --token TOKEN [--minutes M]');
    return;
  }
  const agents = Number(argValue('agents', '3'));
  const url = argValue('url', process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`)!;
  const token = argValue('token', process.env.FLIGHTDECK_TOKEN);
  const minutesArg = argValue('minutes');
  const minutes = minutesArg ? Number(minutesArg) : undefined;
  if (!token) throw new Error('--token (or FLIGHTDECK_TOKEN) is required: an API token with the ingest and control scopes');
  if (!Number.isInteger(agents) || agents < 1 || agents > 500) throw new Error('--agents must be an integer from 1 to 500');
  if (minutes !== undefined && !(minutes > 0)) throw new Error('--minutes must be a positive number');
  const time = () => new Date().toISOString().slice(11, 19);
  console.log(`${time()} simulating ${agents} agent(s) against ${url}${minutes ? ` for ${minutes} min` : ' until Ctrl-C'}`);
  const sim = startSimulator({ url, token, agents, minutes, log: (line) => console.log(`${time()} ${line}`) });
  const stop = () => {
    console.log(`${time()} stopping…`);
    void sim.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await sim.done;
});
