import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import type { TestUser } from '../support/factories';
import { createOrganisation, registerUser } from '../support/factories';
import { addMember } from '../support/rooms';
import { expectAccessible, webSuite } from '../support/web';

/**
 * The action plan editor in a real browser (see web.e2e-spec.ts).
 */

/** An action's line (its <summary>: number, title, status), which opens the action. */
const actionLine = (page: Page, n: number, title: string) =>
  page.locator('summary', { hasText: `${n}. ${title}` });

/**
 * Reads until `done` holds or 10 s pass, and returns the last reading (for `expect` to judge):
 * a live change reaches the other window, or the server, a moment after it is made.
 */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** The text of a co-edited field, without the other editors' cursor labels. */
const collabText = (page: Page, name: string) =>
  page.getByRole('textbox', { name, exact: true }).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.cm-ySelectionCaret').forEach((caret) => caret.remove());
    return [...copy.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
  });
describe('web client: the plan editor', () => {
  const web = webSuite();

  const signedIn = (person: TestUser) => web.signedIn(person);
  const twoOrganisations = (name: string) => web.twoOrganisations(name);

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
    // The organiser's new action opens for them; the others see it as one line, to open.
    await olu.page
      .getByRole('textbox', { name: 'Action 1: title' })
      .getByText('Legal aid fund')
      .waitFor();
    await actionLine(mia.page, 1, 'Legal aid fund').click();
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
  /** Opens a plan in a person's own window, once its editor is there. */
  const openPlan = async (person: TestUser, planId: string) => {
    const page = await signedIn(person);
    await page.goto(`/plans/${planId}`);
    await page.getByRole('textbox', { name: 'Problem' }).waitFor();
    return page;
  };

  it('lets the organiser fill every field of an action, milestones, indicators, SDG targets and recommendations; the member sees them live and the server stores them', async () => {
    const { organiser, member, coalition, recommendation } =
      await twoOrganisations('Every field of a plan');
    const detail = await organiser.client.coalitions.get(coalition.id);
    const nameOf = (organisationId: string) =>
      detail.organisations.find((o) => o.id === organisationId)?.name ?? '';
    const created = await organiser.client.plans.create(coalition.id, 'Legal aid plan');
    await organiser.client.plans.addAction(created.id, { title: 'Legal aid fund' });

    const olu = await openPlan(organiser, created.id);
    const mia = await openPlan(member, created.id);
    await actionLine(olu, 1, 'Legal aid fund').click();
    await actionLine(mia, 1, 'Legal aid fund').click();

    // Dates: an end before the start is shown as a problem, and not saved.
    await olu.getByLabel('Action 1: start date').fill('2027-01-15');
    await olu.getByLabel('Action 1: end date').fill('2026-12-01');
    const problem = olu.getByRole('alert').filter({ hasText: 'is before the start date' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Action 1: the end date');
    await olu.getByLabel('Action 1: end date').fill('2027-12-31');
    await problem.waitFor({ state: 'detached' });

    // Lead and supporting organisations, budget.
    await olu.getByLabel('Action 1: lead organisation').selectOption(organiser.organisationId);
    await olu
      .getByLabel(`Action 1, supporting: ${nameOf(member.organisationId)}`, { exact: true })
      .check();
    await olu.getByLabel('Action 1: budget').fill('EUR 40,000');
    await olu.getByLabel('Action 1: budget').press('Tab');

    // Two milestones, the second moved first.
    const milestones: [string, string][] = [
      ['Draft the law', '2027-03-01'],
      ['Pass the law', '2027-09-01'],
    ];
    for (const [i, [title, due]] of milestones.entries()) {
      await olu.getByLabel('Action 1: new milestone').fill(title);
      await olu.getByLabel('Action 1: due date of the new milestone').fill(due);
      await olu.getByRole('button', { name: 'Add a milestone to action 1' }).click();
      await olu
        .getByRole('textbox', { name: `Action 1, milestone ${i + 1}: title` })
        .getByText(title)
        .waitFor();
    }
    await olu.getByRole('button', { name: 'Move milestone 2 of action 1 up' }).click();
    expect(
      await settled(
        () => collabText(olu, 'Action 1, milestone 1: title'),
        (text) => text === 'Pass the law',
      ),
    ).toBe('Pass the law');
    await olu.getByLabel('Action 1, milestone 1: status').selectOption('in_progress');

    // An indicator.
    await olu.getByLabel('Action 1: name of a new indicator').fill('Legal aid cases');
    await olu.getByLabel('Action 1: baseline of the new indicator').fill('120');
    await olu.getByLabel('Action 1: target of the new indicator').fill('400');
    await olu.getByLabel('Action 1: unit of the new indicator').fill('cases a year');
    await olu.getByRole('button', { name: 'Add an indicator to action 1' }).click();
    await olu
      .getByRole('textbox', { name: 'Action 1, indicator 1: name' })
      .getByText('Legal aid cases')
      .waitFor();

    // SDG targets: a bad one is refused with a message, a good one taken.
    await olu.getByLabel('New SDG target').fill('16.100');
    await olu.getByRole('button', { name: 'Add the SDG target' }).click();
    const refusal = olu.getByRole('alert').filter({ hasText: 'is not an SDG target' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('“16.100” is not an SDG target');
    await olu.getByLabel('New SDG target').fill('16.10');
    await olu.getByRole('button', { name: 'Add the SDG target' }).click();
    await olu.getByRole('button', { name: 'Remove SDG target 16.10' }).waitFor();
    expect(await refusal.count()).toBe(0);

    // The linked recommendation: unlinked, then linked again.
    const linked = (page: Page) => page.getByLabel(new RegExp(`^${recommendation.code}\\b`));
    await linked(olu).uncheck();
    expect(
      await settled(
        async () => (await organiser.client.plans.get(created.id)).recommendationIds,
        (ids) => ids.length === 0,
      ),
    ).toEqual([]);
    expect(
      await settled(
        () => linked(mia).isChecked(),
        (checked) => !checked,
      ),
    ).toBe(false);
    await linked(olu).check();

    // The member sees all of it live.
    const value = (label: string) => () => mia.getByLabel(label, { exact: true }).inputValue();
    const expectLive = async (label: string, expected: string) =>
      expect(await settled(value(label), (v) => v === expected)).toBe(expected);
    await expectLive('Action 1: start date', '2027-01-15');
    await expectLive('Action 1: end date', '2027-12-31');
    await expectLive('Action 1: lead organisation', organiser.organisationId);
    await expectLive('Action 1: budget', 'EUR 40,000');
    await expectLive('Action 1, milestone 1: due date', '2027-09-01');
    await expectLive('Action 1, milestone 1: status', 'in_progress');
    await expectLive('Action 1, milestone 2: due date', '2027-03-01');
    await expectLive('Action 1, indicator 1: baseline', '120');
    await expectLive('Action 1, indicator 1: target', '400');
    await expectLive('Action 1, indicator 1: unit', 'cases a year');
    expect(
      await settled(
        () =>
          mia
            .getByLabel(`Action 1, supporting: ${nameOf(member.organisationId)}`, { exact: true })
            .isChecked(),
        Boolean,
      ),
    ).toBe(true);
    expect(await collabText(mia, 'Action 1, milestone 1: title')).toBe('Pass the law');
    expect(await collabText(mia, 'Action 1, milestone 2: title')).toBe('Draft the law');
    expect(await collabText(mia, 'Action 1, indicator 1: name')).toBe('Legal aid cases');
    await mia.getByText('16.10', { exact: true }).waitFor();
    expect(await settled(() => linked(mia).isChecked(), Boolean)).toBe(true);

    // The server stores the same.
    const stored = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.recommendationIds.length === 1,
    );
    expect(stored.sdgTargets).toEqual(['16.10']);
    expect(stored.recommendationIds).toEqual([recommendation.id]);
    const [action] = stored.actions;
    expect(action).toMatchObject({
      title: 'Legal aid fund',
      startDate: '2027-01-15',
      endDate: '2027-12-31',
      leadOrganisationId: organiser.organisationId,
      supportingOrganisationIds: [member.organisationId],
      budget: 'EUR 40,000',
    });
    expect(action.milestones.map(({ title, due, status }) => ({ title, due, status }))).toEqual([
      { title: 'Pass the law', due: '2027-09-01', status: 'in_progress' },
      { title: 'Draft the law', due: '2027-03-01', status: 'not_started' },
    ]);
    expect(action.indicators).toEqual([
      expect.objectContaining({
        name: 'Legal aid cases',
        baseline: 120,
        target: 400,
        unit: 'cases a year',
      }),
    ]);

    await expectAccessible(olu, 'plan-editor-action-open');

    // Removing asks first; with the keyboard, focus moves to the answer.
    await olu.getByRole('button', { name: 'Remove milestone 2 of action 1' }).focus();
    await olu.keyboard.press('Enter');
    await olu.getByText('Remove milestone 2 “Draft the law” of action 1?').waitFor();
    await olu.keyboard.press('Enter');
    await mia.getByRole('heading', { name: 'Milestones (1)' }).waitFor();
    // The removed milestone took the focus with it: the list's heading has it now.
    const focused = await settled(
      () => olu.evaluate(() => document.activeElement?.textContent ?? ''),
      (text) => /^Milestones \(\d\)$/.test(text),
    );
    expect(focused).toBe('Milestones (1)');
    const after = await organiser.client.plans.get(created.id);
    expect(after.actions[0].milestones.map((m) => m.title)).toEqual(['Pass the law']);

    await olu.context().close();
    await mia.context().close();
  }, 120_000);

  it('takes an organisation’s endorsement once the plan is in review, and shows the plan read-only to an observer', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Endorsing a plan');
    const watcher = await registerUser(web.t.client(), { displayName: 'Oda Observer' });
    const watcherOrganisation = await createOrganisation(watcher);
    const observer = { ...watcher, organisationId: watcherOrganisation.id };
    await addMember(organiser, coalition.id, observer, 'observer');
    const detail = await organiser.client.coalitions.get(coalition.id);
    const ngo = detail.organisations.find((o) => o.id === member.organisationId)?.name ?? '';
    const created = await organiser.client.plans.create(coalition.id, 'Plan to endorse');
    const action = await organiser.client.plans.addAction(created.id, {
      title: 'Train judges',
      startDate: '2027-02-01',
      leadOrganisationId: member.organisationId,
    });
    await organiser.client.plans.addMilestone(created.id, action.id, {
      title: 'First course',
      due: '2027-04-01',
    });

    // A draft takes no endorsement: the member is told when it can.
    const mia = await openPlan(member, created.id);
    await mia.getByText('while the plan is in review (it is Draft now)').waitFor();
    const endorse = mia.getByRole('button', { name: `Endorse for ${ngo}` });
    expect(await endorse.count()).toBe(0);

    // In review (the status reaches the open page live), the member's organisation endorses.
    await organiser.client.plans.createVersion(created.id, 'For review');
    await organiser.client.plans.setStatus(created.id, 'in_review');
    const olu = await openPlan(organiser, created.id);
    await olu.getByText('No organisation has endorsed this plan yet.').waitFor();
    await endorse.click();
    const row = mia.getByRole('row', { name: new RegExp(ngo) });
    await row.waitFor();
    // Others with the plan open see it at once (plan:endorsed).
    await olu.getByRole('row', { name: new RegExp(ngo) }).waitFor();
    await olu.context().close();
    expect(await row.textContent()).toContain('1. For review');
    expect(await row.textContent()).toContain('Yes');
    await mia
      .getByRole('status')
      .filter({ hasText: `${ngo} endorsed version 1. For review` })
      .waitFor();
    const endorsements = await organiser.client.plans.endorsements(created.id);
    expect(endorsements).toEqual([
      expect.objectContaining({
        organisationId: member.organisationId,
        versionName: 'For review',
        stale: false,
      }),
    ]);

    // Endorsed, the plan is frozen for everyone; reopened as a draft, editable again.
    const addAction = mia.getByRole('button', { name: 'Add the action' });
    await organiser.client.plans.setStatus(created.id, 'endorsed');
    await mia.getByText('read-only for you').waitFor();
    expect(await addAction.count()).toBe(0);
    await organiser.client.plans.setStatus(created.id, 'draft');
    await addAction.waitFor();
    expect(await mia.getByText('read-only for you').count()).toBe(0);

    // An observer sees everything and can change nothing.
    const oda = await openPlan(observer, created.id);
    await oda.getByText('read-only for you').waitFor();
    await oda.getByRole('row', { name: new RegExp(ngo) }).waitFor();
    await actionLine(oda, 1, 'Train judges').focus();
    await oda.keyboard.press('Enter');
    expect(await oda.getByLabel('Action 1: start date').inputValue()).toBe('2027-02-01');
    expect(await oda.getByLabel('Action 1: start date').isEditable()).toBe(false);
    expect(await oda.getByLabel('Action 1: budget').isEditable()).toBe(false);
    expect(await oda.getByLabel('Action 1: lead organisation').inputValue()).toBe(
      member.organisationId,
    );
    expect(await oda.getByLabel('Action 1: lead organisation').isDisabled()).toBe(true);
    expect(await oda.getByLabel('Action 1: status').isDisabled()).toBe(true);
    expect(await oda.getByLabel(`Action 1, supporting: ${ngo}`, { exact: true }).isDisabled()).toBe(
      true,
    );
    expect(await oda.getByLabel('Action 1, milestone 1: due date').isEditable()).toBe(false);
    expect(
      await oda.getByRole('textbox', { name: 'Action 1: title' }).getAttribute('aria-readonly'),
    ).toBe('true');
    expect(await collabText(oda, 'Action 1, milestone 1: title')).toBe('First course');
    for (const name of [
      'Add the action',
      'Add a milestone to action 1',
      'Add an indicator to action 1',
      'Add the SDG target',
      'Move action 1 down',
      'Remove action 1',
      'Remove milestone 1 of action 1',
      'Save a version',
      /^Endorse for/,
      /^Move to/,
    ]) {
      expect(await oda.getByRole('button', { name }).count()).toBe(0);
    }
    await expectAccessible(oda, 'plan-editor-observer');
    await mia.context().close();
    await oda.context().close();
  }, 120_000);
  it("keeps a change past a field's limit out of the plan, says so, and goes on saving", async () => {
    const { organiser, coalition } = await twoOrganisations('Limits of a plan');
    const created = await organiser.client.plans.create(coalition.id, 'Short title');
    const page = await openPlan(organiser, created.id);
    const title = page.getByRole('textbox', { name: 'Title', exact: true });
    await title.click();
    await page.keyboard.press('End');
    // 11 + 290 characters: one past the 300 a title holds.
    await page.keyboard.insertText(' ' + 'x'.repeat(290));
    await page.getByText('Title holds at most 300 characters: that change was not made.').waitFor();
    expect(await collabText(page, 'Title')).toBe('Short title');

    await page.keyboard.insertText(' kept');
    await expect(
      page.getByText('Title holds at most 300 characters: that change was not made.').count(),
    ).resolves.toBe(0);
    const stored = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.title === 'Short title kept',
    );
    expect(stored.title).toBe('Short title kept');
    // Undo takes back one's own change, and that is saved too.
    await page.keyboard.press('Control+z');
    const undone = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.title === 'Short title',
    );
    expect(undone.title).toBe('Short title');

    // 12,000 Chinese characters are 36 KB: within the field's limit, too large for one update.
    const problem = page.getByRole('textbox', { name: 'Problem', exact: true });
    await problem.click();
    await page.keyboard.insertText('权'.repeat(12_000));
    await page
      .getByText('Problem: that paste is too large to send at once; paste it in parts.')
      .waitFor();
    await page.keyboard.insertText('权'.repeat(6_000));
    const problemStored = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.problem.length === 6_000,
    );
    expect(problemStored.problem).toBe('权'.repeat(6_000));
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.context().close();
  }, 120_000);
  it('restores a version only after asking, keeping what was there as a version first', async () => {
    const { organiser, coalition } = await twoOrganisations('Restoring a plan');
    const created = await organiser.client.plans.create(coalition.id, 'First wording');
    await organiser.client.plans.createVersion(created.id, 'v1');
    await organiser.client.plans.update(created.id, { title: 'Second wording' });
    const page = await openPlan(organiser, created.id);
    await page.getByRole('button', { name: 'Restore “v1”' }).click();
    await page.getByText(/^Restore “v1”\? Everyone’s current text is replaced/).waitFor();
    await expectAccessible(page, 'plan-restore-confirm');
    await page.getByRole('button', { name: 'Yes, restore “v1”' }).click();
    await page.getByText('Version “v1” restored as a new change.').waitFor();
    const plan = await settled(
      () => organiser.client.plans.get(created.id),
      (p) => p.title === 'First wording',
    );
    expect(plan.title).toBe('First wording');
    const versions = await organiser.client.plans.versions(created.id);
    const kept = versions.items.find((v) => v.name === 'Before restoring “v1”');
    expect(kept).toBeDefined();
    const before = await organiser.client.plans.version(created.id, kept!.id);
    expect(before.content.title).toBe('Second wording');
    await page.context().close();
  }, 120_000);
  it('closes the plan at once for someone removed from the coalition, and says so', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Closing a plan');
    const created = await organiser.client.plans.create(coalition.id, 'Closed for some');
    const page = await openPlan(member, created.id);
    await expect(
      page.getByRole('textbox', { name: 'Problem', exact: true }).getAttribute('aria-readonly'),
    ).resolves.toBe('false');
    await organiser.client.coalitions.removeMember(coalition.id, member.user.id);
    await page.getByText(/^You are no longer a member of this coalition/).waitFor();
    await expect(
      page.getByRole('textbox', { name: 'Problem', exact: true }).getAttribute('aria-readonly'),
    ).resolves.toBe('true');
    await page.context().close();
  }, 120_000);
  it('keeps both choices when two people tick supporting organisations at the same moment', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Choosing together');
    const detail = await organiser.client.coalitions.get(coalition.id);
    const nameOf = (organisationId: string) =>
      detail.organisations.find((o) => o.id === organisationId)?.name ?? '';
    const created = await organiser.client.plans.create(coalition.id, 'Shared choices');
    await organiser.client.plans.addAction(created.id, { title: 'Joint visits' });
    const olu = await openPlan(organiser, created.id);
    const mia = await openPlan(member, created.id);
    await actionLine(olu, 1, 'Joint visits').click();
    await actionLine(mia, 1, 'Joint visits').click();
    const box = (page: Page, organisationId: string) =>
      page.getByLabel(`Action 1, supporting: ${nameOf(organisationId)}`, { exact: true });
    await Promise.all([
      box(olu, organiser.organisationId).check(),
      box(mia, member.organisationId).check(),
    ]);
    const stored = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.actions[0].supportingOrganisationIds.length === 2,
    );
    expect([...stored.actions[0].supportingOrganisationIds].sort()).toEqual(
      [organiser.organisationId, member.organisationId].sort(),
    );
    for (const page of [olu, mia]) {
      for (const organisationId of [organiser.organisationId, member.organisationId]) {
        const checked = await settled(
          () => box(page, organisationId).isChecked(),
          (value) => value,
        );
        expect(checked).toBe(true);
      }
    }
    // Taking one out leaves the other.
    await box(mia, organiser.organisationId).uncheck();
    const after = await settled(
      () => organiser.client.plans.get(created.id),
      (plan) => plan.actions[0].supportingOrganisationIds.length === 1,
    );
    expect(after.actions[0].supportingOrganisationIds).toEqual([member.organisationId]);
    for (const page of [olu, mia]) await page.context().close();
  }, 120_000);
});
