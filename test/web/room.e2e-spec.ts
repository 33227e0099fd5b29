import type { AccordRealtime } from '@accord/client';
import type { Locator, Page, WebSocketRoute } from 'playwright-core';
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

  /** The conversation's comments (not the announcements of new ones, which quote them). */
  const conversation = (page: Page): Locator => page.locator('ul.comments');

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
    await conversation(olu).getByText('Hello from the NGO side').waitFor();
    await expect(olu.getByText('New comment from Mia Member').count()).resolves.toBe(1);

    // Cancelling a reply takes its button away: focus goes back to the comment box.
    await commentButton(olu, 'Hello from the NGO side', 'Reply').click();
    await olu.getByRole('button', { name: 'Cancel the reply' }).click();
    await olu.getByText('Replying to Mia Member').waitFor({ state: 'detached' });
    await expect(isFocused(olu.getByLabel('Your comment'))).resolves.toBe(true);

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
    await expect(conversation(mia).getByText('Hello from the NGO side').count()).resolves.toBe(0);
    await olu.getByText('Hidden because: Off topic').waitFor();
    await screenshot(olu, 'room-moderator');

    // Unhide brings it back for everyone.
    await commentButton(olu, 'Hello from the NGO side', 'Unhide').click();
    await conversation(mia).getByText('Hello from the NGO side').waitFor();

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
    await expect(conversation(olu).getByText('A typo here, fixed').count()).resolves.toBe(0);

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
    await expect(conversation(mia).getByText('Buy cheap watches here').count()).resolves.toBe(0);

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
    await expect(conversation(mia).getByText('A fair point, rudely put').count()).resolves.toBe(1);

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
    await conversation(mia).getByText('Moderators only for a moment').waitFor();
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
    await conversation(olu).getByText('First under slow mode').waitFor();
    await compose.fill('Second too soon');
    await mia.getByRole('button', { name: 'Send' }).click();
    await mia
      .getByRole('alert')
      .filter({ hasText: /^Too fast: Slow mode is on/ })
      .waitFor();
    await olu.getByLabel('Slow mode').selectOption('0');
    await olu.getByRole('button', { name: 'Set slow mode' }).click();
    await mia.getByText(/^Slow mode is on: each person/).waitFor({ state: 'detached' });

    // Muted while writing: the member sees until when, keeps the focus and the draft, and
    // cannot write (or send) until the mute is lifted.
    await compose.fill('Half a thought');
    await compose.focus();
    const row = personRow(olu, 'Mia Member');
    await row.getByLabel('Mute Mia Member for').selectOption('15');
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    await mia.getByText(/^You are muted until .+: you can read, but not write\.$/).waitFor();
    await expect(compose.isDisabled()).resolves.toBe(true);
    await expect(compose.isEditable()).resolves.toBe(false);
    await expect(isFocused(compose)).resolves.toBe(true);
    await expect(compose.inputValue()).resolves.toBe('Half a thought');
    await expect(compose.getAttribute('aria-describedby')).resolves.toBe('compose-reason');
    await expect(mia.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
    await expectAccessible(mia, 'room-muted');
    await row.getByRole('button', { name: 'Lift the mute' }).click();
    await mia.getByText(/^You are muted until/).waitFor({ state: 'detached' });
    await expect(compose.isEnabled()).resolves.toBe(true);
    await expect(compose.isEditable()).resolves.toBe(true);
    await compose.fill('');

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

    // Banned: out, and cannot come back until unbanned (unban is offered to the banned only).
    await expect(row.getByRole('button', { name: 'Unban' }).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Ban', exact: true }).click();
    await row.getByRole('button', { name: 'Yes, ban' }).click();
    await mia.getByText('A moderator banned you from this room.').waitFor();
    await mia.reload();
    await mia.getByRole('alert').filter({ hasText: 'You are banned from this room' }).waitFor();
    await row.getByText(/banned/).waitFor();
    // What the server says is so, also for a moderator who opens the room afresh.
    await olu.reload();
    await olu.getByText('Connected', { exact: true }).waitFor();
    await row.getByText(/banned/).waitFor();
    await row.getByRole('button', { name: 'Unban' }).click();
    await row.getByText(/banned/).waitFor({ state: 'detached' });
    await mia.reload();
    await mia.getByText('Connected', { exact: true }).waitFor();

    await olu.context().close();
    await mia.context().close();
  }, 120_000);
  it('shows who is typing until they send, leave or go quiet, and announces each new comment', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Typing and announcements');
    const olu = await inRoom(organiser, coalition.id);
    const typingLine = olu.locator('p.typing');
    const announcement = olu.locator('div.visually-hidden[aria-live="polite"]');
    const realtimes: AccordRealtime[] = [];
    const miaLive = async () => {
      const realtime = member.client.realtime({ transports: ['websocket'], reconnection: false });
      realtimes.push(realtime);
      await realtime.connected();
      await realtime.room.join(coalition.id);
      return realtime;
    };
    try {
      // Sending a comment ends typing on the server, which relays no stop: the page drops it.
      const mia = await miaLive();
      await mia.room.typing(coalition.id, true);
      await typingLine.getByText('Mia Member typing…').waitFor();
      await mia.comments.create({
        coalitionId: coalition.id,
        body: 'First words',
        clientMsgId: 'm-1',
      });
      await conversation(olu).getByText('First words').waitFor();
      // Well before the page's own expiry (6 s).
      await typingLine.getByText('Mia Member').waitFor({ state: 'detached', timeout: 3_000 });

      // Each new comment is announced with its words, the same person's second one too.
      await announcement.getByText('New comment from Mia Member: First words').waitFor();
      await mia.comments.create({
        coalitionId: coalition.id,
        body: 'Second words',
        clientMsgId: 'm-2',
      });
      await announcement.getByText('New comment from Mia Member: Second words').waitFor();
      const long = `Third words ${'and more '.repeat(20)}`.trim();
      await mia.comments.create({ coalitionId: coalition.id, body: long, clientMsgId: 'm-3' });
      await announcement.getByText(/^New comment from Mia Member: Third words and more/).waitFor();
      const said = (await announcement.textContent()) ?? '';
      expect(said.endsWith('…')).toBe(true);
      expect(said.length).toBeLessThan('New comment from Mia Member: '.length + 81);
      // The same words again are a new announcement (a new node), so they are read again.
      const before = await announcement.locator('p').elementHandle();
      await mia.comments.create({ coalitionId: coalition.id, body: long, clientMsgId: 'm-4' });
      await conversation(olu).getByText(long, { exact: true }).nth(1).waitFor();
      await olu.waitForFunction((node) => !node?.isConnected, before);
      await expect(announcement.textContent()).resolves.toBe(said);
      await expect(announcement.locator('p').count()).resolves.toBe(1);

      // Someone typing who leaves the room is no longer typing.
      await mia.room.typing(coalition.id, true);
      await typingLine.getByText('Mia Member typing…').waitFor();
      mia.close();
      await olu.getByRole('heading', { name: 'Here now (1)' }).waitFor();
      await typingLine.getByText('Mia Member').waitFor({ state: 'detached', timeout: 3_000 });

      // Someone typing who goes quiet (no stop relayed) is dropped after a few seconds.
      const again = await miaLive();
      await olu.getByRole('heading', { name: 'Here now (2)' }).waitFor();
      await again.room.typing(coalition.id, true);
      await typingLine.getByText('Mia Member typing…').waitFor();
      await typingLine.getByText('Mia Member').waitFor({ state: 'detached', timeout: 12_000 });
    } finally {
      for (const realtime of realtimes) realtime.close();
      await olu.context().close();
    }
  }, 120_000);

  it('stores a comment once when it is sent again after its answer was lost with the connection', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Lost answers');
    const body = 'Sent once, though the answer was lost';
    const page = await signedIn(member);
    // Between the page and Accord: the first time the comment comes back (its broadcast and
    // its ack), the connection drops instead, as a network would after the server stored it.
    let lose = true;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        const frame = typeof message === 'string' ? message : '';
        if (lose && frame.includes(body)) {
          if (frame.startsWith('43')) {
            lose = false;
            void ws.close();
          }
          return;
        }
        ws.send(message);
      });
    });
    await page.goto(`/coalitions/${coalition.id}/room`);
    await page.getByText('Connected', { exact: true }).waitFor();

    const compose = page.getByLabel('Your comment');
    await compose.fill(body);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'disconnected' }).waitFor();
    await expect(compose.inputValue()).resolves.toBe(body);
    // Back, the page replays what it missed: the comment was stored.
    await page.getByText('Connected', { exact: true }).waitFor();
    await conversation(page).getByText(body, { exact: true }).waitFor();

    // The person, not knowing, sends the same draft again: the same comment, stored once.
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(
      () => (document.getElementById('body') as HTMLTextAreaElement | null)?.value === '',
    );
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    const stored = await organiser.client.coalitions.comments(coalition.id);
    expect(stored.items.filter((c) => c.body === body)).toHaveLength(1);
    await expect(conversation(page).getByText(body, { exact: true }).count()).resolves.toBe(1);

    // A new draft is a new comment.
    await compose.fill(body);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(
      () => (document.getElementById('body') as HTMLTextAreaElement | null)?.value === '',
    );
    const now = await organiser.client.coalitions.comments(coalition.id);
    expect(now.items.filter((c) => c.body === body)).toHaveLength(2);
    await page.context().close();
  }, 120_000);

  it('shows earlier comments than the latest 50 on request, and replies to them in place', async () => {
    const { organiser, member, coalition } = await twoOrganisations('A long conversation');
    const first = await organiser.client.coalitions.postComment(coalition.id, {
      body: 'Comment 1',
    });
    for (let n = 2; n <= 60; n++) {
      await organiser.client.coalitions.postComment(coalition.id, { body: `Comment ${n}` });
    }
    await member.client.coalitions.postComment(coalition.id, {
      body: 'Answering the very first',
      parentId: first.id,
    });
    const page = await inRoom(member, coalition.id);
    const talk = conversation(page);
    await talk.getByText('Comment 60', { exact: true }).waitFor();
    await talk.getByText('Comment 12', { exact: true }).waitFor();
    await expect(talk.getByText('Comment 11', { exact: true }).count()).resolves.toBe(0);
    await expect(talk.getByText('Comment 1', { exact: true }).count()).resolves.toBe(0);
    // The reply whose parent is not loaded says so.
    await comment(page, 'Answering the very first')
      .getByText('Reply to an earlier comment')
      .waitFor();

    await page.getByRole('button', { name: 'Show earlier comments' }).click();
    await talk.getByText('Comment 1', { exact: true }).waitFor();
    await talk.getByText('Comment 11', { exact: true }).waitFor();
    await page
      .getByRole('button', { name: 'Show earlier comments' })
      .waitFor({ state: 'detached' });
    // The button went with the start of the conversation: focus is on its first comment.
    await page.waitForFunction(
      () => document.activeElement?.querySelector('.body')?.textContent === 'Comment 1',
    );
    // The reply is in its thread now.
    await talk.locator('.replies').getByText('Answering the very first').waitFor();
    await expect(page.getByText('Reply to an earlier comment').count()).resolves.toBe(0);
    await expect(talk.locator('li.comment').count()).resolves.toBe(61);
    await expectAccessible(page, 'room-earlier');
    await page.context().close();
  }, 120_000);
  it('replays everything missed while offline, beyond one page of the server’s replay', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Back after a while');
    await organiser.client.coalitions.postComment(coalition.id, { body: 'Before the break' });
    const page = await signedIn(member);
    // The page's connection goes through here, so the test can take it offline (and keep it so).
    let offline = false;
    let current: WebSocketRoute | undefined;
    await page.route('**/socket.io/**', (route) => (offline ? route.abort() : route.continue()));
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (offline) {
        void ws.close();
        return;
      }
      current = ws;
      ws.connectToServer();
    });
    await page.goto(`/coalitions/${coalition.id}/room`);
    await page.getByText('Connected', { exact: true }).waitFor();
    const talk = conversation(page);
    await talk.getByText('Before the break', { exact: true }).waitFor();

    offline = true;
    await current?.close();
    await page.getByText(/^Connection lost, reconnecting/).waitFor();
    // More than the server replays at once (500).
    const missed = 510;
    for (let n = 1; n <= missed; n += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, missed - n + 1) }, (_, i) =>
          organiser.client.coalitions.postComment(coalition.id, { body: `Missed ${n + i}` }),
        ),
      );
    }
    offline = false;
    await page.getByText('Connected', { exact: true }).waitFor();
    await talk.getByText(`Missed ${missed}`, { exact: true }).waitFor();
    await expect(talk.locator('li.comment').count()).resolves.toBe(missed + 1);
    for (const n of [1, 500, 501, missed]) {
      await expect(talk.getByText(`Missed ${n}`, { exact: true }).count()).resolves.toBe(1);
    }
    await page.context().close();
  }, 120_000);
  it('learns the role of someone who joined the coalition after the room was opened', async () => {
    const { organiser, member, coalition } = await twoOrganisations('Late arrivals');
    await organiser.client.coalitions.changeRole(coalition.id, member.user.id, 'moderator');
    const mia = await inRoom(member, coalition.id);
    await mia.getByRole('heading', { name: 'People (0)' }).waitFor();

    // A new organiser, who joined after Mia's page loaded the coalition, enters the room.
    const user = await registerUser(web.t.client(), { displayName: 'Nia Newcomer' });
    const org = await createOrganisation(user, { stakeholderType: 'union' });
    await addMember(organiser, coalition.id, { ...user, organisationId: org.id }, 'organiser');
    const nia = user.client.realtime({ transports: ['websocket'], reconnection: false });
    try {
      await nia.connected();
      await nia.room.join(coalition.id);
      await mia.getByRole('heading', { name: 'Here now (2)' }).waitFor();
      // The page loads the coalition again (at most every 5 s): a moderator is offered nothing
      // against an organiser (as a supposed outsider, they briefly may be).
      await mia.getByRole('heading', { name: 'People (0)' }).waitFor({ timeout: 10_000 });
      await expect(personRow(mia, 'Nia Newcomer').count()).resolves.toBe(0);
    } finally {
      nia.close();
      await mia.context().close();
    }
  }, 120_000);
});
