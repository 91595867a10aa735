import { expect, type Page } from '@playwright/test';

/** Page objects for the Sessions, Checkpoint and Recoveries pages: role and label selectors only. */
export class SessionsPages {
  constructor(private readonly page: Page) {}

  async openSessionBySearch(query: string, sessionId: string) {
    await this.page.goto('/sessions');
    await this.page.getByLabel('Search').fill(query);
    await this.page.getByRole('button', { name: 'Apply' }).click();
    await this.page.getByRole('link', { name: `Session ${sessionId}` }).click();
    await expect(this.page).toHaveURL(new RegExp(`/sessions/${sessionId}$`));
  }

  timelineItem(text: string | RegExp) {
    return this.page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: text });
  }

  async inspectCheckpoint(sequence: number) {
    const item = this.timelineItem(new RegExp(`#${sequence} task completion`));
    await item.locator('summary').click();
    await item.getByRole('link', { name: `Inspect checkpoint #${sequence}` }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: `Checkpoint #${sequence}` })).toBeVisible();
  }

  conversation() {
    return this.page.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
  }

  async restore(sequence: number, expectText: RegExp) {
    await this.page.getByRole('button', { name: `Restore #${sequence}` }).first().click();
    const dialog = this.page.getByRole('dialog', { name: `Restore checkpoint #${sequence}?` });
    await expect(dialog).toContainText(expectText);
    await dialog.getByRole('button', { name: 'Confirm restore' }).click();
    await expect(dialog.getByRole('status')).toContainText(`Recovery started from checkpoint #${sequence}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }

  /**
   * The "N ok" figure of the overall success-rate card on /recoveries, once the figures (the recovery roll-up, caught
   * up by the background job every second in these tests) include everything up to this call.
   */
  async recoveriesSucceeded(): Promise<number> {
    const after = new Date().toISOString().slice(11, 19);
    await expect(async () => {
      await this.page.goto('/recoveries');
      const text = await this.page.getByTestId('figures-as-of').innerText();
      const asOf = /as of (\d\d:\d\d:\d\d) UTC/.exec(text)?.[1] ?? '';
      expect(asOf > after, `figures as of ${asOf || text}, asked at ${after}`).toBe(true);
    }).toPass({ timeout: 20_000, intervals: [500, 1000] });
    // The cards stream in behind a Suspense boundary; the overall card is there even with no recovery yet.
    const card = this.page.getByRole('group', { name: 'Recovery success by method' });
    await expect(card).toBeVisible();
    const text = (await card.getByText(/ok ·/).first().textContent()) ?? '';
    const m = /(\d+) ok/.exec(text);
    return m ? Number(m[1]) : 0;
  }
}
