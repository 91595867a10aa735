/**
 * `npm run screenshots [-- --base-url http://localhost:3000 --out docs/screenshots --roles admin,viewer
 *   --pages settings-projects,settings-escalation --phone]`
 *
 * Signs in as every demo role over a running demo and takes a full-page screenshot of every console page into
 * docs/screenshots/<role>-<page>.png (viewport 1400×900); `--phone` takes them at 390×844 as
 * <role>-<page>-phone.png instead, and `--pages` limits the run to the pages named. Pages with an id (a session, a checkpoint, a checklist)
 * use the first one the list page links to. Charts mount after the page (components/charts/deferred-chart.tsx),
 * so each shot waits until no chart skeleton is left, bounded. Log-ins come from lib/auth/demo-users.ts.
 * Each PNG is written with a 256-colour palette (sharp): a third of the size, no visible difference on a UI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import sharp from 'sharp';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { demoUsers } from '../lib/auth/demo-users';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: process.env.SCREENSHOTS_BASE_URL ?? 'http://localhost:3000' },
    out: { type: 'string', default: 'docs/screenshots' },
    roles: { type: 'string' },
    pages: { type: 'string' },
    phone: { type: 'boolean', default: false },
  },
});
const baseUrl = values['base-url']!.replace(/\/$/, '');
const outDir = path.resolve(values.out!);
const roles = values.roles ? values.roles.split(',') : demoUsers.map((u) => u.role);
const viewport = values.phone ? { width: 390, height: 844 } : { width: 1400, height: 900 };
const suffix = values.phone ? '-phone' : '';

type Shot = { name: string; path: string } | { name: string; from: string; link: RegExp };

/** Every console page. `from` + `link`: open the list and follow its first link matching the pattern. */
const pages: Shot[] = [
  { name: 'overview', path: '/overview' },
  { name: 'interventions', path: '/interventions' },
  { name: 'interventions-history', path: '/interventions/history' },
  { name: 'sessions', path: '/sessions' },
  // A paused session (the newest): its timeline, checkpoints, pause and budget burn are the page at its fullest.
  { name: 'session', from: '/sessions?status=paused', link: /^\/sessions\/[0-9a-f-]{36}$/ },
  { name: 'checkpoint', from: 'session', link: /^\/sessions\/[0-9a-f-]{36}\/checkpoints\/[0-9a-f-]{36}$/ },
  // Restore with edits: engineers and admins only (the others get no link; the run notes it).
  { name: 'checkpoint-edit', from: 'checkpoint', link: /^\/sessions\/[0-9a-f-]{36}\/checkpoints\/[0-9a-f-]{36}\/edit$/ },
  { name: 'recoveries', path: '/recoveries' },
  { name: 'recoveries-90d', path: '/recoveries?range=90d' },
  { name: 'tools', path: '/tools' },
  { name: 'database', path: '/database' },
  { name: 'checklists', path: '/checklists' },
  { name: 'checklists-releases', path: '/checklists?tab=releases' },
  { name: 'checklist', from: '/checklists', link: /^\/checklists\/[0-9a-f-]{36}$/ },
  { name: 'checklists-import', path: '/checklists/import' },
  { name: 'checklists-new', path: '/checklists/new' },
  { name: 'settings', path: '/settings' },
  { name: 'settings-users', path: '/settings/users' },
  { name: 'settings-tokens', path: '/settings/tokens' },
  { name: 'settings-audit', path: '/settings/audit' },
  { name: 'settings-notifications', path: '/settings/notifications' },
  { name: 'settings-projects', path: '/settings/projects' },
  { name: 'settings-integrations', path: '/settings/integrations' },
  { name: 'settings-escalation', path: '/settings/escalation' },
  { name: 'settings-restores', path: '/settings/restores' },
];
const only = values.pages ? new Set(values.pages.split(',')) : null;
if (only) for (const name of only) if (!pages.some((p) => p.name === name)) throw new Error(`--pages: no page "${name}" (${pages.map((p) => p.name).join(', ')})`);
/** Pages left out of `--pages` that are still opened (not shot) because a wanted page is found on them. */
const followed = new Set<string>();
for (const name of only ?? []) {
  for (let shot = pages.find((p) => p.name === name); shot && 'from' in shot; shot = pages.find((p) => p.name === shot!.from)) followed.add(shot.from);
}

const TIMEOUT_MS = 20_000;

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`, { timeout: TIMEOUT_MS });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in = the browser left /sign-in. (Not the sidebar: at phone width it is hidden behind the menu button.)
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: TIMEOUT_MS });
}

/** Waits (bounded) until the deferred charts have mounted: no pulsing skeleton left on the page. */
async function settle(page: Page) {
  await page.waitForLoadState('load', { timeout: TIMEOUT_MS }).catch(() => undefined);
  // Scroll through so every queued chart counts as on screen, then back to the top.
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 800) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
  });
  await page
    .waitForFunction(() => document.querySelectorAll('.animate-pulse').length === 0, undefined, { timeout: 8_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

async function firstLink(page: Page, pattern: RegExp): Promise<string | null> {
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.find((h) => pattern.test(h.split('?')[0])) ?? null;
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch(chromiumLaunchOptions);
  let taken = 0;
  const problems: string[] = [];
  try {
    for (const role of roles) {
      const user = demoUsers.find((u) => u.role === role);
      if (!user) throw new Error(`No demo user for role "${role}" (lib/auth/demo-users.ts)`);
      const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      await signIn(page, user.email, user.password);
      const visited = new Map<string, string>();
      for (const shot of pages) {
        const wanted = !only || only.has(shot.name);
        if (!wanted && !followed.has(shot.name)) continue;
        let url: string | null;
        if ('path' in shot) url = shot.path;
        else {
          // `from` is a path, or the name of a page opened before (which may have had no link to follow).
          const from = visited.get(shot.from) ?? (shot.from.startsWith('/') ? shot.from : null);
          if (!from) {
            if (wanted) problems.push(`${role}-${shot.name}: no ${shot.from} page to start from`);
            continue;
          }
          await page.goto(`${baseUrl}${from}`);
          url = await firstLink(page, shot.link);
          if (!url) {
            if (wanted) problems.push(`${role}-${shot.name}: no link on ${from}`);
            continue;
          }
        }
        if (!wanted) {
          visited.set(shot.name, url);
          continue;
        }
        const res = await page.goto(`${baseUrl}${url}`);
        visited.set(shot.name, url);
        await settle(page);
        const file = path.join(outDir, `${role}-${shot.name}${suffix}.png`);
        const png = await page.screenshot({ fullPage: true });
        await sharp(png).png({ palette: true, quality: 90, effort: 7, compressionLevel: 9 }).toFile(file);
        taken++;
        if (res && res.status() >= 400) problems.push(`${role}-${shot.name}: HTTP ${res.status()} at ${url}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`${taken} screenshots in ${path.relative(process.cwd(), outDir) || '.'}`);
  for (const p of problems) console.log(`  note: ${p}`);
}

main().catch((err: unknown) => {
  console.error(`screenshots failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
