import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { demoUsers } from '../lib/auth/demo-users';
import type { Role } from '../lib/db/schema/enums';

export const apiToken = () => fs.readFileSync(path.resolve('.test-data/e2e/token.txt'), 'utf8').trim();

export async function signIn(page: Page, role: Role) {
  const u = demoUsers.find((d) => d.role === role)!;
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Calls the agent API as a test agent would. */
export async function api<T = unknown>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await page.request.fetch(url, {
    method,
    headers: { authorization: `Bearer ${apiToken()}`, 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status(), json: (text ? JSON.parse(text) : null) as T };
}

export const test = base;
export { expect };
