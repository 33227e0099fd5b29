import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchBrowser, newPerson, screenshot } from './browser';
import { createOrganisation, registerUser, type TestUser } from './factories';
import { addMember } from './rooms';
import { startTestApp, type TestApp } from './test-app';

/**
 * Set-ups the web client's browser tests share: people with organisations in a coalition, a
 * person signed in through the sign-in page, and the screenshot + axe-core check of a page.
 */

/** A private coalition on WP1515-55 of an organiser (a state) with a member of an NGO. */
export async function twoOrganisations(t: TestApp, name: string) {
  const organiser = await registerUser(t.client(), { displayName: 'Olu Organiser' });
  const own = await createOrganisation(organiser, { stakeholderType: 'state' });
  const member = await registerUser(t.client(), { displayName: 'Mia Member' });
  const theirs = await createOrganisation(member, { stakeholderType: 'ngo' });
  const rec = await organiser.client.recommendations.get('WP1515-55');
  const coalition = await organiser.client.coalitions.create({
    name,
    purpose: 'Work together',
    visibility: 'private',
    recommendationIds: [rec.id],
    organisationId: own.id,
  });
  const joined = { ...member, organisationId: theirs.id };
  await addMember(organiser, coalition.id, joined, 'member');
  return {
    organiser: { ...organiser, organisationId: own.id },
    member: joined,
    coalition,
    recommendation: rec,
  };
}

/** A browser window of the person's own, signed in through the sign-in page. */
export async function signedIn(browser: Browser, t: TestApp, person: TestUser): Promise<Page> {
  const context = await newPerson(browser, t.baseUrl);
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/organisation');
  return page;
}

/** Saves a screenshot of the page as it is and expects axe-core to find nothing. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await accessibilityViolations(page)).toEqual([]);
}

/** What a browser test file shares: one Accord and one browser, and the set-ups above on them. */
export interface WebSuite {
  readonly t: TestApp;
  readonly browser: Browser;
  signedIn(person: TestUser): Promise<Page>;
  twoOrganisations(name: string): ReturnType<typeof twoOrganisations>;
}

/** Starts Accord and a browser before the file's tests and stops them after (call in describe). */
export function webSuite(): WebSuite {
  let app: TestApp | undefined;
  let chromium: Browser | undefined;
  beforeAll(async () => {
    app = await startTestApp();
    chromium = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });
  const suite: WebSuite = {
    get t() {
      if (!app) throw new Error('Accord is not started yet (use the suite inside tests)');
      return app;
    },
    get browser() {
      if (!chromium) throw new Error('The browser is not started yet (use the suite inside tests)');
      return chromium;
    },
    signedIn: (person) => signedIn(suite.browser, suite.t, person),
    twoOrganisations: (name) => twoOrganisations(suite.t, name),
  };
  return suite;
}
