import type { LaunchOptions } from '@playwright/test';

/**
 * How the e2e suite (playwright.config.ts) and the screenshots (scripts/screenshots.ts) start Chromium: Debian's
 * build (Playwright cannot download its own here, scripts/ensure-chromium.ts), headless in a container without a
 * GPU, a sandbox or a large /dev/shm, and without the background traffic of a fresh profile.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
