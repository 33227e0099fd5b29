import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import type { TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  expectAccessible,
  signedIn as signedInAt,
  twoOrganisations as twoAt,
} from '../support/web';

/**
 * The action plan editor in a real browser (see web.e2e-spec.ts).
 */
describe('web client: the plan editor', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedIn = (person: TestUser) => signedInAt(browser, t, person);
  const twoOrganisations = (name: string) => twoAt(t, name);

  it('lets two people co-edit a plan field live to the same text, and the organiser download a PDF', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Plan in the browser');

    const open = async (person: TestUser, first: boolean) => {
      const page = await signedIn(person);
      const context = page.context();
      await page.goto(`/coalitions/${coalition.id}`);
      if (first) {
        await page.getByLabel('Title of a new action plan').fill('Defenders plan');
        await page.getByRole('button', { name: 'Start an action plan' }).click();
      } else {
        await page.getByRole('link', { name: 'Defenders plan' }).click();
      }
      await page.waitForURL(/\/plans\/[0-9a-f]{24}$/);
      await page.getByRole('textbox', { name: 'Problem' }).waitFor();
      return { context, page };
    };
    const olu = await open(organiser, true);
    const mia = await open(member, false);
    await expectAccessible(olu.page, 'plan-editor');

    const problem = (page: Page) => page.getByRole('textbox', { name: 'Problem' });
    await problem(olu.page).click();
    await problem(mia.page).click();
    await Promise.all([
      olu.page.keyboard.type('Reprisals against defenders. ', { delay: 15 }),
      mia.page.keyboard.type('No legal aid. ', { delay: 15 }),
    ]);
    // The text as written: the other editors' cursors (name labels) are not part of it.
    const textOf = (page: Page) =>
      problem(page).evaluate((element) => {
        const copy = element.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.cm-ySelectionCaret').forEach((caret) => caret.remove());
        return [...copy.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
      });
    const texts = async () => [await textOf(olu.page), await textOf(mia.page)];

    let both = await texts();
    for (
      let i = 0;
      i < 50 &&
      !(both[0] === both[1] && both[0]?.includes('legal aid') && both[0]?.includes('Reprisals'));
      i++
    ) {
      await olu.page.waitForTimeout(100);
      both = await texts();
    }
    expect(both[0]).toBe(both[1]);
    expect(both[0]).toContain('Reprisals against defenders.');
    expect(both[0]).toContain('No legal aid.');
    const plans = await organiser.client.plans.list(coalition.id);
    const stored = await organiser.client.plans.get(plans.items[0].id);
    expect(stored.problem.trim()).toBe(both[0]?.trim());

    await olu.page.getByLabel('New action').fill('Legal aid fund');
    await olu.page.getByRole('button', { name: 'Add the action' }).click();
    await mia.page
      .getByRole('textbox', { name: 'Action 1: title' })
      .getByText('Legal aid fund')
      .waitFor();

    const [download] = await Promise.all([
      olu.page.waitForEvent('download'),
      olu.page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Defenders plan - \d{4}-\d{2}-\d{2}\.pdf$/);
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(olu.page, 'plan-editor-after');
    await olu.context.close();
    await mia.context.close();
  }, 120_000);
});
