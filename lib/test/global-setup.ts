/** Says up front which databases the integration tests run on, so a CI log shows both were covered. */
export default function setup() {
  const url = process.env.TEST_DATABASE_URL;
  const where = url ? `PGlite (in memory) and Postgres (${url.replace(/:[^:@/]*@/, ':***@')})` : 'PGlite (in memory) only — set TEST_DATABASE_URL to add Postgres';
  console.log(`\n[flightdeck] integration tests run on: ${where}\n`);
}
