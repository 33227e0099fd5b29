import type { Page } from 'playwright-core';
import { newPerson, screenshot } from '../support/browser';
import type { TestUser } from '../support/factories';
import { expectAccessible, twoOrganisations, webSuite } from '../support/web';

/**
 * The web client without a mouse, and laid out right to left (the `ar-XB` pseudo-locale: the
 * English strings, mirrored), in a real browser.
 */
describe('web client: keyboard only and right to left', () => {
  const web = webSuite();

  /** What has the focus: its accessible name, and whether a focus indicator is drawn. */
  function focused(page: Page) {
    return page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return { name: '', visible: false };
      const labelledBy = element.getAttribute('aria-labelledby');
      const label =
        element.getAttribute('aria-label') ||
        (element.id && document.querySelector(`label[for="${element.id}"]`)?.textContent) ||
        (labelledBy && document.getElementById(labelledBy)?.textContent) ||
        element.textContent ||
        '';
      // A plan text's focus ring is on its editor, around the editable content.
      const ringed = element.closest('.cm-focused') ?? element;
      const style = getComputedStyle(ringed);
      const visible =
        element.matches(':focus-visible') &&
        style.outlineStyle !== 'none' &&
        parseFloat(style.outlineWidth) >= 2;
      return { name: label.trim(), visible };
    });
  }

  /**
   * Presses Tab until the focus is on `name`, checking on the way that every stop shows where
   * the focus is. Returns the names passed, in order.
   */
  async function tabTo(page: Page, name: string | RegExp, limit = 60): Promise<string[]> {
    const passed: string[] = [];
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      let now = await focused(page);
      // An editor draws its ring on the next frame after it takes the focus.
      for (let wait = 0; wait < 10 && !now.visible; wait++) {
        await page.waitForTimeout(50);
        now = await focused(page);
      }
      passed.push(now.name);
      if (!now.visible)
        throw new Error(`No visible focus on "${now.name}" (after ${passed.join(' | ')})`);
      if (typeof name === 'string' ? now.name === name : name.test(now.name)) return passed;
    }
    throw new Error(`"${String(name)}" not reached with Tab; passed: ${passed.join(' | ')}`);
  }

  /** Loads a page and waits for it to be drawn. */
  async function load(page: Page, path: string) {
    await page.goto(path);
    await page.getByRole('heading', { level: 1 }).filter({ hasNotText: 'Loading…' }).waitFor();
  }

  async function signInWithKeys(page: Page, person: TestUser) {
    await load(page, '/sign-in');
    await tabTo(page, 'Email');
    await page.keyboard.type(person.email);
    await tabTo(page, 'Password');
    await page.keyboard.type(person.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/organisation');
    await page.getByRole('button', { name: /^Act for / }).waitFor();
    await tabTo(page, /^Act for /);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/recommendations');
  }

  it('works with the keyboard alone: sign in, the room, a comment, the plan editor and roles', async () => {
    const { organiser, coalition } = await twoOrganisations(web.t, 'Keyboard coalition');
    const plan = await organiser.client.plans.create(coalition.id, 'Keyboard plan');
    const context = await newPerson(web.browser, web.t.baseUrl);
    const page = await context.newPage();

    // The skip link comes first, is visible when focused, and moves the focus to the content.
    await load(page, '/sign-in');
    const first = await tabTo(page, 'Skip to main content', 1);
    expect(first).toEqual(['Skip to main content']);
    const skip = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
    expect(skip!.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await expect(
      page.evaluate(() => document.activeElement?.closest('main') !== null),
    ).resolves.toBe(true);

    await signInWithKeys(page, organiser);
    await load(page, `/coalitions/${coalition.id}`);
    // Focus order follows the page: the room link before the plans, before the people.
    const order = await tabTo(page, 'Change the role of Mia Member');
    const at = (name: string) => order.findIndex((n) => n === name);
    expect(at('Open the live room')).toBeGreaterThanOrEqual(0);
    expect(at('Open the live room')).toBeLessThan(at('Keyboard plan'));
    expect(at('Keyboard plan')).toBeLessThan(at('New role for Mia Member'));
    // The role is chosen with the arrow keys (focus the select, then the button).
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'Change the role of Mia Member', 1);
    await page.keyboard.press('Enter');
    await page.getByText('Mia Member is now Moderator.').waitFor();

    // The live room: write a comment and send it without the mouse.
    await page.getByRole('link', { name: 'Open the live room' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Connected', { exact: true }).waitFor();
    await tabTo(page, 'Your comment');
    await page.keyboard.type('Typed without a mouse');
    await tabTo(page, 'Send');
    await page.keyboard.press('Enter');
    await page.locator('.comment').getByText('Typed without a mouse').waitFor();
    const comments = await organiser.client.coalitions.comments(coalition.id);
    expect(comments.items.map((c) => c.body)).toContain('Typed without a mouse');

    // The plan editor: Tab reaches each text (Tab is not swallowed by the editor).
    await page.goto(`/plans/${plan.id}`);
    await page.getByRole('textbox', { name: 'Problem' }).waitFor();
    await tabTo(page, 'Problem');
    await page.keyboard.type('Written with keys');
    const next = await tabTo(page, 'Baseline');
    expect(next).toEqual(['Baseline']);
    let stored = '';
    for (let i = 0; i < 50 && stored !== 'Written with keys'; i++) {
      await page.waitForTimeout(100);
      stored = (await organiser.client.plans.get(plan.id)).problem;
    }
    expect(stored).toBe('Written with keys');
    await context.close();
  }, 120_000);

  it('lays every main screen out right to left in a right-to-left locale, accessibly', async () => {
    const { organiser, coalition } = await twoOrganisations(web.t, 'Mirrored coalition');
    const plan = await organiser.client.plans.create(coalition.id, 'Mirrored plan');
    await organiser.client.plans.addAction(plan.id, { title: 'A mirrored action' });
    const context = await web.browser.newContext({
      baseURL: web.t.baseUrl,
      bypassCSP: true,
      locale: 'ar-XB',
    });
    const page = await context.newPage();
    await signInWithKeys(page, organiser);
    await expect(
      page.evaluate(() => [document.documentElement.dir, document.documentElement.lang]),
    ).resolves.toEqual(['rtl', 'en']);

    /** The page does not scroll sideways, and the heading starts at the right-hand side. */
    const mirrored = async (name: string) => {
      const layout = await page.evaluate(() => {
        const root = document.scrollingElement!;
        const heading = document.querySelector('h1')!.getBoundingClientRect();
        const brand = document.querySelector('header a, header strong')!.getBoundingClientRect();
        return {
          overflow: root.scrollWidth - root.clientWidth,
          width: root.clientWidth,
          headingRight: heading.right,
          headingLeft: heading.left,
          brandLeft: brand.left,
        };
      });
      expect(layout.overflow).toBeLessThanOrEqual(0);
      // The brand sits at the start (right); the heading's text starts at the right.
      expect(layout.brandLeft).toBeGreaterThan(layout.width / 2);
      const headingText = await page.evaluate(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('h1')!);
        return range.getBoundingClientRect();
      });
      expect(headingText.right).toBeGreaterThan(layout.width / 2);
      expect(layout.headingRight - headingText.right).toBeLessThan(2);
      await expectAccessible(page, `rtl-${name}`);
    };

    await page.getByText(/^48 recommendations$/).waitFor();
    await mirrored('catalogue');
    await page.goto(`/coalitions/${coalition.id}`);
    await page.getByRole('table').filter({ hasText: 'Acting for' }).waitFor();
    await mirrored('coalition');
    await page.goto(`/coalitions/${coalition.id}/room`);
    await page.getByText('Connected', { exact: true }).waitFor();
    await mirrored('room');
    await page.goto(`/plans/${plan.id}`);
    await page.getByRole('textbox', { name: 'Problem' }).waitFor();
    await mirrored('plan');
    // Text typed in an editor runs right to left as well.
    const direction = await page
      .getByRole('textbox', { name: 'Problem' })
      .evaluate((element) => getComputedStyle(element).direction);
    expect(direction).toBe('rtl');
    await screenshot(page, 'rtl-plan-full');
    await context.close();
  }, 120_000);
});
