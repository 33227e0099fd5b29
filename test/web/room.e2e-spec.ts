import type { Locator, Page } from 'playwright-core';
import { screenshot } from '../support/browser';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { addMember, type Person } from '../support/rooms';
import { expectAccessible, webSuite } from '../support/web';

/**
 * The live room and its moderation in a real browser (see web.e2e-spec.ts): the conversation,
 * the moderator panel (flag queue, room settings, people) and what members see of it.
 */
describe('web client: the live room', () => {
  const web = webSuite();

  const signedIn = (person: TestUser) => web.signedIn(person);
  const twoOrganisations = (name: string) => web.twoOrganisations(name);

  /** A person's browser window in the coalition's live room, once connected. */
  const inRoom = async (person: TestUser, coalitionId: string, query = '') => {
    const page = await signedIn(person);
    await page.goto(`/coalitions/${coalitionId}/room${query}`);
    await page.getByText('Connected', { exact: true }).waitFor();
    return page;
  };

  /** A third member of the coalition, of an organisation of their own. */
  const thirdMember = async (organiser: TestUser, coalitionId: string, displayName: string) => {
    const user = await registerUser(web.t.client(), { displayName });
    const org = await createOrganisation(user, { stakeholderType: 'academia' });
    const person: Person = { ...user, organisationId: org.id };
    await addMember(organiser, coalitionId, person, 'member');
    return person;
  };

  /** The innermost comment of the conversation showing this text. */
  const comment = (page: Page, text: string): Locator =>
    page.locator('li.comment').filter({ hasText: text }).last();

  /** A button of a comment itself (not of its replies). */
  const commentButton = (page: Page, text: string, name: string): Locator =>
    comment(page, text).getByRole('button', { name, exact: true }).first();

  const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

  const flagQueue = (page: Page) => page.getByRole('list', { name: /^Flags to review/ });
  const personRow = (page: Page, name: string) =>
    page.getByRole('list', { name: /^People/ }).getByRole('listitem', { name: new RegExp(name) });

  it('lets two members of two organisations talk live, and a moderator hide a comment for everyone', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Room in the browser');

    const enter = async (person: TestUser) => {
      const page = await signedIn(person);
      await page.goto(`/coalitions/${coalition.id}`);
      await page.getByRole('link', { name: 'Open the live room' }).click();
      await page.getByText('Connected', { exact: true }).waitFor();
      return page;
    };
    const olu = await enter(organiser);
    const mia = await enter(member);
    await olu.getByRole('listitem').filter({ hasText: 'Mia Member' }).first().waitFor();
    await expectAccessible(mia, 'room');

    await mia.getByLabel('Your comment').fill('Hello from the NGO side');
    await mia.getByRole('button', { name: 'Send' }).click();
    await olu.getByText('Hello from the NGO side').waitFor();
    await expect(olu.getByText('New comment from Mia Member').count()).resolves.toBe(1);

    await commentButton(olu, 'Hello from the NGO side', 'Reply').click();
    await olu.getByLabel('Your comment').fill('Welcome, Mia');
    await olu.getByRole('button', { name: 'Send' }).click();
    await mia.locator('.replies').getByText('Welcome, Mia').waitFor();

    // Hide: the reason is asked in the page, focus goes into it, and it is required.
    await commentButton(olu, 'Hello from the NGO side', 'Hide').click();
    const reason = olu.getByLabel('Why hide this comment? (the reason is kept in the audit log)');
    await expect(isFocused(reason)).resolves.toBe(true);
    await reason.fill('Off topic');
    await olu.getByRole('button', { name: 'Hide the comment' }).click();
    await mia.getByText('This comment was hidden by a moderator.').waitFor();
    await expect(mia.getByText('Hello from the NGO side').count()).resolves.toBe(0);
    await olu.getByText('Hidden because: Off topic').waitFor();
    await screenshot(olu, 'room-moderator');

    // Unhide brings it back for everyone.
    await commentButton(olu, 'Hello from the NGO side', 'Unhide').click();
    await mia.getByText('Hello from the NGO side').waitFor();

    // Their own comment: edited, then deleted after confirming in the page.
    await mia.getByLabel('Your comment').fill('A typo hree');
    await mia.getByRole('button', { name: 'Send' }).click();
    await commentButton(mia, 'A typo hree', 'Edit').click();
    const edited = mia.getByLabel('Your comment, edited');
    await expect(isFocused(edited)).resolves.toBe(true);
    await edited.fill('A typo here, fixed');
    await mia.getByRole('button', { name: 'Save' }).click();
    await comment(olu, 'A typo here, fixed').getByText('(edited)').waitFor();
    await commentButton(mia, 'A typo here, fixed', 'Delete').click();
    await mia.getByRole('button', { name: 'Yes, delete it' }).click();
    await olu.getByText('This comment was deleted.').waitFor();
    await expect(olu.getByText('A typo here, fixed').count()).resolves.toBe(0);

    await olu.context().close();
    await mia.context().close();
  }, 120_000);

  it('puts flagged comments in the moderators’ queue live, where they are hidden with a reason or kept', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Flags in the browser');
    const ben = await thirdMember(organiser, coalition.id, 'Ben Member');
    const olu = await inRoom(organiser, coalition.id);
    const mia = await inRoom(member, coalition.id);
    await olu.getByRole('heading', { name: 'Flags to review (0)' }).waitFor();
    // A member sees no moderation panel.
    await expect(mia.getByRole('heading', { name: 'Moderation' }).count()).resolves.toBe(0);

    await ben.client.coalitions.postComment(coalition.id, { body: 'Buy cheap watches here' });
    await ben.client.coalitions.postComment(coalition.id, { body: 'A fair point, rudely put' });

    // A member flags a comment: asked why in the page (Escape cancels, back on the button).
    const flagButton = commentButton(mia, 'Buy cheap watches here', 'Flag');
    await flagButton.click();
    const why = mia.getByLabel('Why should the moderators look at this comment?');
    await expect(isFocused(why)).resolves.toBe(true);
    await why.press('Escape');
    await why.waitFor({ state: 'detached' });
    await expect(isFocused(flagButton)).resolves.toBe(true);
    await flagButton.press('Enter');
    await expect(isFocused(why)).resolves.toBe(true);
    await why.fill('Advertising');
    await mia.getByRole('button', { name: 'Send the flag' }).click();
    await comment(mia, 'Buy cheap watches here')
      .getByText('You flagged this comment for the moderators.')
      .waitFor();

    // It reaches the moderator's queue live, with the comment, its author, who flagged and why.
    const queue = flagQueue(olu);
    const entry = queue.getByRole('listitem').filter({ hasText: 'Buy cheap watches here' }).first();
    await entry.waitFor();
    await entry.getByText(/^Ben Member wrote on/).waitFor();
    await entry.getByText(/^Flagged by Mia Member on/).waitFor();
    await entry.getByText('Advertising', { exact: true }).waitFor();
    await olu.getByRole('heading', { name: 'Flags to review (1)' }).waitFor();

    // Hidden with a reason in two clicks: gone from the queue and, for the member, from the room.
    await entry.getByRole('button', { name: 'Hide', exact: true }).click();
    await expectAccessible(olu, 'room-moderator-panel');
    await olu
      .getByLabel('Why hide this comment? (the reason is kept in the audit log)')
      .fill('Advertising, not discussion');
    await olu.getByRole('button', { name: 'Hide the comment' }).click();
    await olu.getByRole('heading', { name: 'Flags to review (0)' }).waitFor();
    await mia.getByText('This comment was hidden by a moderator.').waitFor();
    await expect(mia.getByText('Buy cheap watches here').count()).resolves.toBe(0);

    // Dismissed: the flag leaves the queue and the comment stays.
    await commentButton(mia, 'A fair point, rudely put', 'Flag').click();
    await mia.getByLabel('Why should the moderators look at this comment?').fill('Rude');
    await mia.getByRole('button', { name: 'Send the flag' }).click();
    const second = queue.getByRole('listitem').filter({ hasText: 'A fair point, rudely put' });
    await second.first().waitFor();
    await second.first().getByRole('button', { name: 'Dismiss' }).click();
    await olu.getByRole('button', { name: 'Keep the comment' }).click();
    await olu.getByRole('heading', { name: 'Flags to review (0)' }).waitFor();
    await expect(second.count()).resolves.toBe(0);
    await expect(mia.getByText('A fair point, rudely put').count()).resolves.toBe(1);

    // Made a moderator: the panel appears, and hidden comments show with their reason.
    await organiser.client.coalitions.changeRole(coalition.id, member.user.id, 'moderator');
    await mia.getByRole('heading', { name: 'Flags to review (0)' }).waitFor();
    await mia.getByText('Hidden because: Advertising, not discussion').waitFor();

    await olu.context().close();
    await mia.context().close();
  }, 120_000);

  it('pins a comment for everyone and shows what comments are anchored to', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Pins and anchors');
    const plan = await organiser.client.plans.create(coalition.id, 'Plan to discuss');
    const olu = await inRoom(organiser, coalition.id);
    const mia = await inRoom(
      member,
      coalition.id,
      `?anchor=plan-section:${plan.id}:${encodeURIComponent('problem')}`,
    );

    // Anchored to one of the coalition's recommendations, chosen when writing.
    await mia.getByLabel('About (optional)').selectOption({ label: 'Recommendation WP1515-55' });
    await mia.getByLabel('Your comment').fill('This one needs a budget line');
    await mia.getByRole('button', { name: 'Send' }).click();
    await comment(olu, 'This one needs a budget line').getByText('On WP1515-55').waitFor();
    await comment(mia, 'This one needs a budget line').getByText('On WP1515-55').waitFor();

    // Anchored to the plan section the URL named (the composer starts with it).
    await mia.getByLabel('About (optional)').selectOption({ label: 'The plan section “problem”' });
    await mia.getByLabel('Your comment').fill('The problem statement is too vague');
    await mia.getByRole('button', { name: 'Send' }).click();
    const link = comment(olu, 'The problem statement is too vague').getByRole('link', {
      name: 'On the plan section “problem”',
    });
    await expect(link.getAttribute('href')).resolves.toBe(`/plans/${plan.id}`);

    // Pinned: at the top of the conversation for everyone, until unpinned.
    await commentButton(olu, 'This one needs a budget line', 'Pin').click();
    const pinned = mia.getByRole('region', { name: 'Pinned by the moderators' });
    await pinned.getByText('This one needs a budget line').waitFor();
    await screenshot(mia, 'room-pinned');
    await commentButton(olu, 'This one needs a budget line', 'Unpin').click();
    await pinned.waitFor({ state: 'detached' });

    await olu.context().close();
    await mia.context().close();
  }, 120_000);

  it('lets a moderator lock the room, slow it down, mute, kick, ban and unban, and members see it', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Room controls');
    const olu = await inRoom(organiser, coalition.id);
    const mia = await inRoom(member, coalition.id);
    const compose = mia.getByLabel('Your comment');

    // Locked: the member's composer is disabled and says why; moderators still write.
    await olu.getByRole('button', { name: 'Lock the room' }).click();
    await mia
      .getByText('This room is locked: only moderators can write until it is unlocked.')
      .waitFor();
    await mia.getByText('You cannot write while the room is locked.').waitFor();
    await expect(compose.isDisabled()).resolves.toBe(true);
    await expectAccessible(mia, 'room-locked');
    await olu.getByLabel('Your comment').fill('Moderators only for a moment');
    await olu.getByRole('button', { name: 'Send' }).click();
    await mia.getByText('Moderators only for a moment').waitFor();
    await olu.getByRole('button', { name: 'Unlock the room' }).click();
    await mia.getByText('This room is locked', { exact: false }).waitFor({ state: 'detached' });
    await expect(compose.isEnabled()).resolves.toBe(true);

    // Slow mode: the member is told, and a comment too soon is refused in an alert.
    await olu.getByLabel('Slow mode').selectOption('30');
    await olu.getByRole('button', { name: 'Set slow mode' }).click();
    await mia
      .getByText('Slow mode is on: each person may comment once every 30 seconds.')
      .waitFor();
    await compose.fill('First under slow mode');
    await mia.getByRole('button', { name: 'Send' }).click();
    await olu.getByText('First under slow mode').waitFor();
    await compose.fill('Second too soon');
    await mia.getByRole('button', { name: 'Send' }).click();
    await mia
      .getByRole('alert')
      .filter({ hasText: /^Too fast: Slow mode is on/ })
      .waitFor();
    await olu.getByLabel('Slow mode').selectOption('0');
    await olu.getByRole('button', { name: 'Set slow mode' }).click();
    await mia.getByText(/^Slow mode is on: each person/).waitFor({ state: 'detached' });

    // Muted: the member sees until when, and cannot write until the mute is lifted.
    const row = personRow(olu, 'Mia Member');
    await row.getByLabel('Mute Mia Member for').selectOption('15');
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    await mia.getByText(/^You are muted until .+: you can read, but not write\.$/).waitFor();
    await expect(compose.isDisabled()).resolves.toBe(true);
    await row.getByRole('button', { name: 'Lift the mute' }).click();
    await mia.getByText(/^You are muted until/).waitFor({ state: 'detached' });
    await expect(compose.isEnabled()).resolves.toBe(true);

    // Kicked, after confirming in the page: out of the room, and may join again.
    await row.getByRole('button', { name: 'Kick', exact: true }).click();
    await expect(isFocused(row.getByRole('button', { name: 'Yes, kick' }))).resolves.toBe(true);
    await expectAccessible(olu, 'room-moderator-confirm');
    await row.getByRole('button', { name: 'Yes, kick' }).click();
    await mia.getByText('A moderator took you out of this room. You can join it again.').waitFor();
    await mia.getByText('Not in the room', { exact: true }).waitFor();
    await expectAccessible(mia, 'room-kicked');
    await expect(compose.isDisabled()).resolves.toBe(true);
    await olu.getByRole('heading', { name: 'Here now (1)' }).waitFor();
    await mia.getByRole('button', { name: 'Join the room again' }).click();
    await mia.getByText('Connected', { exact: true }).waitFor();
    await olu.getByRole('heading', { name: 'Here now (2)' }).waitFor();

    // Banned: out, and cannot come back until unbanned.
    await row.getByRole('button', { name: 'Ban', exact: true }).click();
    await row.getByRole('button', { name: 'Yes, ban' }).click();
    await mia.getByText('A moderator banned you from this room.').waitFor();
    await mia.reload();
    await mia.getByRole('alert').filter({ hasText: 'You are banned from this room' }).waitFor();
    await row.getByText(/banned/).waitFor();
    await row.getByRole('button', { name: 'Unban' }).click();
    await row.getByText(/banned/).waitFor({ state: 'detached' });
    await mia.reload();
    await mia.getByText('Connected', { exact: true }).waitFor();

    await olu.context().close();
    await mia.context().close();
  }, 120_000);
});
