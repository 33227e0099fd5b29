// Two Accord processes (the built server, as `npm start` runs it) on one engine, joined by a
// real redis-server: presence, comments, moderation and revocation cross nodes, and broadcasts
// resume after Redis restarts without either node crashing.
import { randomBytes } from 'node:crypto';
import { AccordClient } from '@accord/client';
import type { Socket } from 'socket.io-client';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { startAccordNode, startRedis, type RunningProcess } from '../support/processes';
import { connectAs, connected, emitAck, waitForEvent } from '../support/sockets';
import { freshDatabaseUri } from '../support/test-app';

interface CommentView {
  id: string;
  seq: number;
  body: string;
}

interface Presence {
  coalitionId: string;
  users: { userId: string }[];
}

jest.setTimeout(120_000);

describe('two Accord nodes with Redis (real processes)', () => {
  let redis: RunningProcess;
  let nodeA: RunningProcess;
  let nodeB: RunningProcess;
  const sockets: Socket[] = [];
  const url = (node: RunningProcess): string => `http://127.0.0.1:${node.port}`;
  const api = (node: RunningProcess, token?: string): AccordClient =>
    new AccordClient({ baseUrl: url(node), accessToken: token });

  let organiser: TestUser;
  let moderator: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let publicRoom: string;
  let privateRoom: string;

  beforeAll(async () => {
    redis = await startRedis();
    const options = {
      mongodbUri: freshDatabaseUri('accord_two_nodes'),
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      secrets: {
        jwtAccess: randomBytes(32).toString('hex'),
        jwtRefresh: randomBytes(32).toString('hex'),
        audit: randomBytes(32).toString('hex'),
      },
    };
    nodeA = await startAccordNode(options);
    nodeB = await startAccordNode(options);

    // Accounts are made on node A; their tokens work on node B (shared secrets and database).
    organiser = await registerUser(api(nodeA), { displayName: 'Organiser' });
    moderator = await registerUser(api(nodeA), { displayName: 'Moderator' });
    bob = await registerUser(api(nodeA), { displayName: 'Bob' });
    carol = await registerUser(api(nodeA), { displayName: 'Carol' });
    const org = await createOrganisation(organiser, { stakeholderType: 'ngo' });
    const recommendationId = (await organiser.client.recommendations.get('WP1515-55')).id;
    for (const visibility of ['public', 'private'] as const) {
      const c = await organiser.client.coalitions.create({
        name: `Two nodes ${visibility}`,
        purpose: 'Cross-node room',
        visibility,
        recommendationIds: [recommendationId],
        organisationId: org.id,
      });
      for (const [user, role] of [
        [moderator, 'moderator'],
        [bob, 'member'],
        [carol, 'member'],
      ] as const) {
        const own = await createOrganisation(user, { stakeholderType: 'state' });
        const inv = await organiser.client.coalitions.invite(c.id, {
          email: user.email,
          role,
          organisationId: own.id,
        });
        await user.client.invitations.accept(inv.token);
      }
      if (visibility === 'public') publicRoom = c.id;
      else privateRoom = c.id;
    }
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  afterAll(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
  });

  async function open(node: RunningProcess, user: TestUser, token = user.accessToken) {
    const socket = connectAs(url(node), token);
    sockets.push(socket);
    return connected(socket);
  }

  async function join(socket: Socket, coalitionId: string) {
    const ack = await emitAck<{ presence: { userId: string }[] }>(socket, 'room:join', {
      coalitionId,
    });
    expect(ack.ok).toBe(true);
    return ack.data!;
  }

  /** Collects every payload of `event` on a socket. */
  function record<T>(socket: Socket, event: string): T[] {
    const seen: T[] = [];
    socket.on(event, (payload: T) => seen.push(payload));
    return seen;
  }

  it('shows presence and delivers comments across nodes, both ways', async () => {
    const bobOnA = await open(nodeA, bob);
    const carolOnB = await open(nodeB, carol);
    await join(bobOnA, publicRoom);
    const bobSeesCarol = waitForEvent<Presence>(bobOnA, 'presence:update', (p) =>
      p.users.some((u) => u.userId === carol.user.id),
    );
    const carolJoin = await join(carolOnB, publicRoom);
    // Carol's join on node B already counts Bob, whose socket lives on node A.
    expect(carolJoin.presence.map((u) => u.userId).sort()).toEqual(
      [bob.user.id, carol.user.id].sort(),
    );
    await bobSeesCarol;

    const onB = waitForEvent<CommentView>(carolOnB, 'comment:created', (c) => c.body === 'from A');
    const sent = await emitAck<CommentView>(bobOnA, 'comment:create', {
      coalitionId: publicRoom,
      body: 'from A',
      clientMsgId: 'two-nodes-1',
    });
    expect(sent.ok).toBe(true);
    expect((await onB).id).toBe(sent.data!.id);

    const onA = waitForEvent<CommentView>(bobOnA, 'comment:created', (c) => c.body === 'from B');
    await emitAck(carolOnB, 'comment:create', {
      coalitionId: publicRoom,
      body: 'from B',
      clientMsgId: 'two-nodes-2',
    });
    await onA;

    // A comment posted over REST on node B reaches a socket on node A.
    const rest = waitForEvent<CommentView>(bobOnA, 'comment:created', (c) => c.body === 'rest B');
    await api(nodeB, carol.accessToken).raw('POST', `/coalitions/${publicRoom}/comments`, {
      body: { body: 'rest B' },
    });
    await rest;
  });

  it('a kick on node A removes every socket of the person, on both nodes, at once', async () => {
    const modOnA = await open(nodeA, moderator);
    const bobOnA = await open(nodeA, bob);
    const bobOnB = await open(nodeB, bob);
    await join(modOnA, publicRoom);
    await join(bobOnA, publicRoom);
    await join(bobOnB, publicRoom);
    const removed = [bobOnA, bobOnB].map((s) =>
      waitForEvent<{ coalitionId: string; reason: string }>(s, 'room:removed'),
    );
    const presence = waitForEvent<Presence>(
      modOnA,
      'presence:update',
      (p) => !p.users.some((u) => u.userId === bob.user.id),
    );
    const kicked = await emitAck(modOnA, 'mod:kick', {
      coalitionId: publicRoom,
      userId: bob.user.id,
    });
    expect(kicked.ok).toBe(true);
    for (const r of await Promise.all(removed)) {
      expect(r).toEqual({ coalitionId: publicRoom, reason: 'kicked' });
    }
    await presence.catch((e) => {
      throw new Error(
        `${String(e)}\nA:\n${nodeA.output().slice(-3000)}\nB:\n${nodeB.output().slice(-3000)}`,
      );
    });

    const missed = record<CommentView>(bobOnA, 'comment:created');
    const missedOnB = record<CommentView>(bobOnB, 'comment:created');
    const modSees = waitForEvent<CommentView>(
      modOnA,
      'comment:created',
      (c) => c.body === 'after kick',
    );
    await emitAck(modOnA, 'comment:create', {
      coalitionId: publicRoom,
      body: 'after kick',
      clientMsgId: 'after-kick',
    });
    await modSees;
    // Give the other node time to deliver anything it (wrongly) would.
    await new Promise((r) => setTimeout(r, 300));
    expect(missed).toEqual([]);
    expect(missedOnB).toEqual([]);
    // Writing needs the seat back.
    const write = await emitAck(bobOnB, 'comment:create', {
      coalitionId: publicRoom,
      body: 'still here?',
      clientMsgId: 'kicked-write',
    });
    expect(write.error?.code).toBe('FORBIDDEN');
  });

  it('a ban on node B keeps the person out on node A too (join and REST)', async () => {
    const modOnB = await open(nodeB, moderator);
    const carolOnA = await open(nodeA, carol);
    await join(modOnB, publicRoom);
    await join(carolOnA, publicRoom);
    const removed = waitForEvent<{ reason: string }>(carolOnA, 'room:removed');
    expect(
      (await emitAck(modOnB, 'mod:ban', { coalitionId: publicRoom, userId: carol.user.id })).ok,
    ).toBe(true);
    expect((await removed).reason).toBe('banned');
    const again = await emitAck(carolOnA, 'room:join', { coalitionId: publicRoom });
    expect(again.error?.code).toBe('FORBIDDEN');
    const rest = await api(nodeA, carol.accessToken).raw(
      'GET',
      `/coalitions/${publicRoom}/comments`,
    );
    expect(rest.status).toBe(403);
    expect(
      (await emitAck(modOnB, 'mod:unban', { coalitionId: publicRoom, userId: carol.user.id })).ok,
    ).toBe(true);
    expect((await emitAck(carolOnA, 'room:join', { coalitionId: publicRoom })).ok).toBe(true);
  });

  it('revocation crosses nodes: removal from a private coalition, and logout', async () => {
    const bobOnB = await open(nodeB, bob);
    await join(bobOnB, privateRoom);
    const removed = waitForEvent<{ coalitionId: string; reason: string }>(bobOnB, 'room:removed');
    // The organiser removes Bob through node A; Bob's socket lives on node B.
    await api(nodeA, organiser.accessToken).coalitions.removeMember(privateRoom, bob.user.id);
    expect(await removed).toEqual({ coalitionId: privateRoom, reason: 'membership_ended' });
    const again = await emitAck(bobOnB, 'room:join', { coalitionId: privateRoom });
    expect(again.error?.code).toBe('NOT_FOUND');

    // Logging out on node A closes that sign-in's sockets on node B.
    const second = await api(nodeA).login(bob.email, bob.password);
    const socket = await open(nodeB, bob, second.accessToken);
    const closed = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    await api(nodeA).logout(second.refreshToken);
    expect(await closed).toBe('io server disconnect');
  });

  it('a change on node A is enforced at once on node B (cached facts are invalidated across nodes)', async () => {
    const modOnA = await open(nodeA, moderator);
    const bobOnB = await open(nodeB, bob);
    await join(modOnA, publicRoom);
    await join(bobOnB, publicRoom);
    const say = (id: string) =>
      emitAck(bobOnB, 'comment:create', { coalitionId: publicRoom, body: id, clientMsgId: id });
    // Bob writes on node B first, so node B has his standing and membership in memory.
    expect((await say('cached-1')).ok).toBe(true);
    expect(
      (
        await emitAck(modOnA, 'mod:mute', {
          coalitionId: publicRoom,
          userId: bob.user.id,
          minutes: 5,
        })
      ).ok,
    ).toBe(true);
    expect((await say('cached-2')).error?.code).toBe('MUTED');
    expect(
      (
        await emitAck(modOnA, 'mod:mute', {
          coalitionId: publicRoom,
          userId: bob.user.id,
          minutes: 0,
        })
      ).ok,
    ).toBe(true);
    expect((await say('cached-3')).ok).toBe(true);
    // A demotion through node A's REST API: node B refuses his next comment.
    await api(nodeA, organiser.accessToken).coalitions.changeRole(
      publicRoom,
      bob.user.id,
      'observer',
    );
    expect((await say('cached-4')).error?.code).toBe('FORBIDDEN');
    await api(nodeA, organiser.accessToken).coalitions.changeRole(
      publicRoom,
      bob.user.id,
      'member',
    );
    expect((await say('cached-5')).ok).toBe(true);
    // A lock set on node A stops members on node B.
    expect((await emitAck(modOnA, 'mod:lock', { coalitionId: publicRoom, locked: true })).ok).toBe(
      true,
    );
    expect((await say('cached-6')).error?.code).toBe('ROOM_LOCKED');
    expect((await emitAck(modOnA, 'mod:lock', { coalitionId: publicRoom, locked: false })).ok).toBe(
      true,
    );
    expect((await say('cached-7')).ok).toBe(true);
  });

  it('survives a Redis restart: no node crashes and broadcasts resume', async () => {
    const port = redis.port;
    await redis.stop();
    for (const node of [nodeA, nodeB]) {
      const health = await fetch(`${url(node)}/api/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { redis: string }).redis).toBe('down');
    }
    // While Redis is away a node still answers its own sockets.
    const lonely = await open(nodeA, moderator);
    expect((await emitAck(lonely, 'room:join', { coalitionId: publicRoom }, 10_000)).ok).toBe(true);

    redis = await startRedis(port);
    for (const node of [nodeA, nodeB]) {
      const deadline = Date.now() + 20_000;
      while ((await fetch(`${url(node)}/api/health`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`node ${node.port} did not see Redis again`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const listener = await open(nodeB, moderator);
    await join(listener, publicRoom);
    // Resubscription after the restart can lag a moment: post until one arrives on node B.
    let delivered = false;
    listener.on('comment:created', (c: CommentView) => {
      if (c.body.startsWith('after restart')) delivered = true;
    });
    for (let i = 0; i < 40 && !delivered; i++) {
      await api(nodeA, organiser.accessToken).raw('POST', `/coalitions/${publicRoom}/comments`, {
        body: { body: `after restart ${i}` },
      });
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(delivered).toBe(true);
    expect(nodeA.alive()).toBe(true);
    expect(nodeB.alive()).toBe(true);
    expect(nodeA.output() + nodeB.output()).not.toMatch(/uncaught|unhandled/i);
  });
});
