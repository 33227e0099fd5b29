import { newPerson } from '../support/browser';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { addMember } from '../support/rooms';
import { expectAccessible, twoOrganisations, webSuite } from '../support/web';

/**
 * The web client in a real browser (Debian's Chromium through playwright-core), served by the
 * API at `/` from the build (`npm run build`). Each page is checked with axe-core.
 */
describe('web client', () => {
  const web = webSuite();

  const signedIn = (person: TestUser) => web.signedIn(person);

  it('takes a new person from sign-up through their organisation to a coalition of their own', async () => {
    const context = await newPerson(web.browser, web.t.baseUrl);
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForURL('**/sign-in');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    await expectAccessible(page, 'sign-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL('**/register');
    await expectAccessible(page, 'register');
    const email = `web-${Date.now()}@example.org`;
    await page.getByLabel('Your name as others see it').fill('Amina Web');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create an account' }).click();

    await page.waitForURL('**/organisation');
    await page.getByText('You are not a member of any organisation yet.').waitFor();
    await expectAccessible(page, 'organisation');
    await page.getByLabel('Organisation name').fill(`Defenders Network ${Date.now()}`);
    await page.getByLabel('Stakeholder type').selectOption('ngo');
    await page.getByLabel('Country (two-letter code, e.g. KE)').fill('ke');
    await page.getByRole('button', { name: 'Create and act for it' }).click();

    await page.waitForURL('**/recommendations');
    await page.getByText(/^48 recommendations$/).waitFor();
    await expect(
      page.getByRole('link', { name: /^Acting for Defenders Network/ }).count(),
    ).resolves.toBe(1);
    await expectAccessible(page, 'catalogue');

    await page.getByLabel('Search recommendations').fill('supply chains');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=supply/);
    // The count changes from the whole catalogue's to the matches'.
    const count = await page.getByText(/^(?!48 )\d+ recommendations?$/).textContent();
    expect(Number(count?.split(' ')[0])).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Start a coalition on WP1515-49' }).click();
    await page.waitForURL('**/coalitions/new?recommendation=*');
    await page.getByText('WP1515-49', { exact: true }).waitFor();
    await expectAccessible(page, 'new-coalition');
    await page.getByLabel('Coalition name').fill('Safe space for defenders');
    await page.getByLabel('Purpose').fill('Protect those who speak up.');
    await page.getByLabel(/^Public/).check();
    await page.getByRole('button', { name: 'Create the coalition' }).click();

    await page.waitForURL(/\/coalitions\/[0-9a-f]{24}$/);
    await page.getByRole('heading', { level: 1, name: 'Safe space for defenders' }).waitFor();
    await page.getByText('Your role: Organiser').waitFor();
    await expect(
      page.getByRole('row', { name: /NGO/ }).getByText('1', { exact: true }).count(),
    ).resolves.toBe(1);
    await expectAccessible(page, 'coalition');
    await context.close();
  }, 120_000);

  it('shows another person the coalitions working on a recommendation, and keeps them signed in across a reload', async () => {
    const founder = await registerUser(web.t.client());
    const org = await createOrganisation(founder, { stakeholderType: 'state' });
    const rec = await founder.client.recommendations.get('WP1515-55');
    await founder.client.coalitions.create({
      name: 'Civic space watch',
      purpose: 'Watch civic space',
      visibility: 'public',
      recommendationIds: [rec.id],
      organisationId: org.id,
    });
    const reader = await registerUser(web.t.client(), { displayName: 'Reader' });
    await createOrganisation(reader);

    const page = await signedIn(reader);
    const context = page.context();
    await page.getByRole('button', { name: /^Act for / }).click();
    await page.waitForURL('**/recommendations');

    await page.reload();
    await page.getByText(/^48 recommendations$/).waitFor();
    // 20 to a page, in the report's order: WP1515-55 is on the second.
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 3').waitFor();
    await page.getByRole('button', { name: 'Show coalitions working on WP1515-55' }).click();
    await page.getByRole('link', { name: 'Civic space watch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Civic space watch' }).waitFor();
    await page.getByText('Watch civic space').waitFor();

    // A wrong password is named on the sign-in page, in an alert.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/email or password/i);
    await context.close();
  }, 120_000);

  it('lets an organiser invite someone by link and approve a request to join', async () => {
    const founder = await registerUser(web.t.client(), { displayName: 'Fatou Founder' });
    const own = await createOrganisation(founder, { stakeholderType: 'nhri' });
    const invitee = await registerUser(web.t.client(), { displayName: 'Ivan Invitee' });
    await createOrganisation(invitee, { stakeholderType: 'union' });
    const asker = await registerUser(web.t.client(), { displayName: 'Ana Asker' });
    await createOrganisation(asker, { stakeholderType: 'academia' });
    const rec = await founder.client.recommendations.get('WP1515-55');
    const coalition = await founder.client.coalitions.create({
      name: 'Open doors',
      purpose: 'Anyone may ask',
      visibility: 'public',
      recommendationIds: [rec.id],
      organisationId: own.id,
    });
    const actingFor = async (person: TestUser) => {
      const page = await signedIn(person);
      await page.getByRole('button', { name: /^Act for / }).click();
      await page.waitForURL('**/recommendations');
      return page;
    };

    const organiser = await actingFor(founder);
    await organiser.goto(`/coalitions/${coalition.id}`);
    await organiser.getByRole('heading', { name: 'Organise' }).waitFor();
    await organiser.getByLabel('Email').fill(invitee.email);
    await organiser.getByLabel('Their role in the coalition').selectOption('member');
    await organiser.getByRole('button', { name: 'Create the invitation' }).click();
    const link = await organiser.locator('.invite-link').textContent();
    expect(link).toMatch(new RegExp(`^${web.t.baseUrl}/invitations/.+`));
    await expectAccessible(organiser, 'coalition-organiser');

    // The invitee opens the link signed out: signing in brings them back to it.
    const invited = await (await newPerson(web.browser, web.t.baseUrl)).newPage();
    await invited.goto(link ?? '');
    await invited.waitForURL(/\/sign-in\?next=%2Finvitations%2F/);
    await invited.getByLabel('Email').fill(invitee.email);
    await invited.getByLabel('Password').fill(invitee.password);
    await invited.getByRole('button', { name: 'Sign in' }).click();
    await invited.getByRole('button', { name: /^Act for / }).click();
    await invited.waitForURL(`**${new URL(link ?? '').pathname}`);
    await expectAccessible(invited, 'invitation');
    await invited.getByRole('button', { name: 'Accept the invitation' }).click();
    await invited.getByText('Your role: Member').waitFor();

    const asking = await actingFor(asker);
    await asking.goto(`/coalitions/${coalition.id}`);
    await asking.getByRole('button', { name: /^Ask to join for / }).click();
    await asking.getByText('Your request was sent to the organisers.').waitFor();

    await organiser.reload();
    await organiser.getByRole('button', { name: 'Approve Ana Asker' }).click();
    await organiser.getByText('No one is waiting.').waitFor();
    await asking.reload();
    await asking.getByText('Your role: Member').waitFor();
    for (const page of [organiser, invited, asking]) await page.context().close();
  }, 120_000);
  it("lets an organiser change a member's role and remove them, and a member leave", async () => {
    const { organiser, member, coalition } = await twoOrganisations(web.t, 'People in the browser');
    const third = await registerUser(web.t.client(), { displayName: 'Theo Third' });
    const thirdOrg = await createOrganisation(third, { stakeholderType: 'business' });
    await addMember(organiser, coalition.id, { ...third, organisationId: thirdOrg.id }, 'member');

    const olu = await signedIn(organiser);
    await olu.goto(`/coalitions/${coalition.id}`);
    const people = olu.getByRole('table').filter({ hasText: 'Acting for' });
    await people.getByRole('row', { name: /Mia Member/ }).waitFor();
    await expect(people.getByRole('row').count()).resolves.toBe(4);
    // The last organiser can step down only after naming another; the server says so.
    await olu.getByLabel('New role for Mia Member').selectOption('moderator');
    await olu.getByRole('button', { name: 'Change the role of Mia Member' }).click();
    await olu.getByText('Mia Member is now Moderator.').waitFor();
    await expect(
      people
        .getByRole('row', { name: /Mia Member/ })
        .getByRole('cell', { name: 'Moderator', exact: true })
        .count(),
    ).resolves.toBe(1);

    await olu.getByRole('button', { name: 'Remove Theo Third' }).click();
    await olu.getByText('Remove Theo Third from the coalition?').waitFor();
    await expectAccessible(olu, 'coalition-people');
    await olu.getByRole('button', { name: 'Yes, remove' }).click();
    await olu.getByText('Theo Third was removed from the coalition.').waitFor();
    await expect(olu.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'People (2)',
    );
    await expect(people.getByRole('row', { name: /Theo Third/ }).count()).resolves.toBe(0);
    const stored = await organiser.client.coalitions.get(coalition.id);
    expect(stored.members?.map((m) => [m.displayName, m.role]).sort()).toEqual([
      ['Mia Member', 'moderator'],
      ['Olu Organiser', 'organiser'],
    ]);

    // A moderator manages lower ranks only: nothing to change on the organiser's row.
    const mia = await signedIn(member);
    await mia.goto(`/coalitions/${coalition.id}`);
    await mia.getByText('Your role: Moderator').waitFor();
    await expect(mia.getByRole('button', { name: /Olu Organiser/ }).count()).resolves.toBe(0);
    await mia.getByRole('button', { name: 'Leave the coalition' }).click();
    await mia.getByRole('button', { name: 'Yes, leave' }).click();
    await mia.waitForURL('**/recommendations');
    const after = await organiser.client.coalitions.get(coalition.id);
    expect(after.members?.map((m) => m.displayName)).toEqual(['Olu Organiser']);

    // The last organiser cannot leave: the server's reason is shown, nothing changes.
    await olu.reload();
    await olu.getByRole('button', { name: 'Leave the coalition' }).click();
    await olu.getByRole('button', { name: 'Yes, leave' }).click();
    await expect(olu.getByRole('alert').textContent()).resolves.toMatch(/last organiser/i);
    await expect(organiser.client.coalitions.get(coalition.id)).resolves.toMatchObject({
      myRole: 'organiser',
    });
    for (const page of [olu, mia]) await page.context().close();
  }, 120_000);
  it("lists a person's coalitions with their role, and the invitations waiting for them", async () => {
    const { organiser, member, coalition } = await twoOrganisations(web.t, 'Listed coalition');
    const other = await organiser.client.coalitions.create({
      name: 'Second coalition',
      purpose: 'Another',
      visibility: 'private',
      recommendationIds: coalition.recommendationIds,
      organisationId: organiser.organisationId,
    });
    await organiser.client.coalitions.invite(other.id, { email: member.email, role: 'observer' });

    const page = await signedIn(member);
    await page.getByRole('button', { name: /^Act for / }).click();
    await page.waitForURL('**/recommendations');
    await page.getByRole('navigation').getByRole('link', { name: 'My coalitions' }).click();
    await page.waitForURL('**/coalitions');
    const item = page.getByRole('listitem').filter({ hasText: 'Listed coalition' });
    await item.getByText(/^Your role: Member · 2 people from 2 organisations · private$/).waitFor();
    await expect(page.getByRole('link', { name: 'Second coalition' }).count()).resolves.toBe(0);
    await page.getByText(/^Second coalition, as Observer \(until .+\)$/).waitFor();
    await expectAccessible(page, 'my-coalitions');
    await item.getByRole('link', { name: 'Listed coalition', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Listed coalition' }).waitFor();
    await page.context().close();
  }, 120_000);
  it('goes on after signing in only to a page of Accord itself', async () => {
    const person = await registerUser(web.t.client(), { displayName: 'Nadia Next' });
    await createOrganisation(person);
    for (const next of ['//example.org/x', '/\\example.org', 'https://example.org/']) {
      const page = await (await newPerson(web.browser, web.t.baseUrl)).newPage();
      await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/organisation$/);
      await page.getByRole('button', { name: /^Act for / }).click();
      await page.waitForURL('**/recommendations');
      expect(new URL(page.url()).origin).toBe(web.t.baseUrl);
      await page.context().close();
    }
  }, 120_000);
});
