import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import type { TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  expectAccessible,
  signedIn as signedInAt,
  twoOrganisations as twoAt,
} from '../support/web';

/**
 * The live room and its moderation in a real browser (see web.e2e-spec.ts).
 */
describe('web client: the live room', () => {
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

  it('lets two members of two organisations talk live, and a moderator hide a comment for everyone', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Room in the browser');

    const signIn = async (person: TestUser) => {
      const page = await signedIn(person);
      await page.goto(`/coalitions/${coalition.id}`);
      await page.getByRole('link', { name: 'Open the live room' }).click();
      await page.getByText('Connected', { exact: true }).waitFor();
      return { context: page.context(), page };
    };
    const olu = await signIn(organiser);
    const mia = await signIn(member);
    await olu.page.getByRole('listitem').filter({ hasText: 'Mia Member' }).first().waitFor();
    await expectAccessible(mia.page, 'room');

    await mia.page.getByLabel('Your comment').fill('Hello from the NGO side');
    await mia.page.getByRole('button', { name: 'Send' }).click();
    await olu.page.getByText('Hello from the NGO side').waitFor();
    await expect(olu.page.getByText('New comment from Mia Member').count()).resolves.toBe(1);

    await olu.page.getByRole('button', { name: 'Reply' }).click();
    await olu.page.getByLabel('Your comment').fill('Welcome, Mia');
    await olu.page.getByRole('button', { name: 'Send' }).click();
    await mia.page.locator('.replies').getByText('Welcome, Mia').waitFor();

    olu.page.once('dialog', (dialog) => void dialog.accept('Off topic'));
    await olu.page
      .getByRole('listitem')
      .filter({ hasText: 'Hello from the NGO side' })
      .getByRole('button', { name: 'Hide' })
      .click();
    await mia.page.getByText('This comment was hidden by a moderator.').waitFor();
    await expect(mia.page.getByText('Hello from the NGO side').count()).resolves.toBe(0);
    await screenshot(olu.page, 'room-moderator');
    await olu.context.close();
    await mia.context.close();
  }, 120_000);
});
