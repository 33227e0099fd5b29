import type {
  AuditEntry,
  CoalitionDetail,
  CoalitionRole,
  RoomComment,
  RoomSnapshot,
} from '@accord/client';
import type { Socket } from 'socket.io-client';
import { createOrganisation, registerUser, type TestUser } from './factories';
import { type AckReply, connectAs, connected, emitAck } from './sockets';
import type { TestApp } from './test-app';

/** Someone's place in a coalition for a test: a role, or an outsider (no membership). */
export type Cast = CoalitionRole | 'outsider';

/** A registered person with the organisation they act for. */
export type Person = TestUser & { organisationId: string };

export type Room<K extends string> = {
  c: CoalitionDetail;
  organiser: Person;
} & Record<K, Person>;

/** Makes a person a member of a coalition: the organiser invites them, they accept. */
export async function addMember(
  organiser: TestUser,
  coalitionId: string,
  person: Person,
  role: CoalitionRole,
): Promise<void> {
  const invitation = await organiser.client.coalitions.invite(coalitionId, {
    email: person.email,
    role,
    organisationId: person.organisationId,
  });
  await person.client.invitations.accept(invitation.token);
}

/**
 * Sets up live rooms for a test file: people (registered through the API, each with an
 * organisation of their own), coalitions with a cast of roles, and real socket.io clients
 * (closed by `closeSockets`, call it in afterEach).
 */
export class RoomKit {
  private readonly sockets: Socket[] = [];
  private recommendationId: string | undefined;

  constructor(private readonly t: TestApp) {}

  /** Registers a person with an organisation of their own. */
  async person(displayName: string): Promise<Person> {
    const user = await registerUser(this.t.client(), { displayName });
    const org = await createOrganisation(user, { stakeholderType: 'ngo' });
    return { ...user, organisationId: org.id };
  }

  /**
   * A new coalition whose organiser invited everyone of the cast with their role (outsiders are
   * only registered). Keys name the people, e.g. `{ mod: 'moderator', ann: 'member' }`.
   */
  async room<K extends string>(
    visibility: 'public' | 'private',
    cast: Record<K, Cast>,
  ): Promise<Room<K>> {
    const names = Object.keys(cast) as K[];
    const [organiser, ...others] = await Promise.all([
      this.person('Organiser'),
      ...names.map((name) => this.person(name)),
    ]);
    this.recommendationId ??= (await organiser.client.recommendations.get('WP1515-55')).id;
    const c = await organiser.client.coalitions.create({
      name: `Room ${visibility} ${Math.random().toString(36).slice(2, 8)}`,
      purpose: 'Talk it through',
      visibility,
      recommendationIds: [this.recommendationId],
      organisationId: organiser.organisationId,
    });
    const people = await Promise.all(
      names.map(async (name, i) => {
        const user = others[i];
        const role = cast[name];
        if (role !== 'outsider') await addMember(organiser, c.id, user, role);
        return [name, user] as const;
      }),
    );
    return { c, organiser, ...Object.fromEntries(people) } as Room<K>;
  }

  /** A connected socket signed in as this person (or with this access token). */
  async open(user: TestUser | string): Promise<Socket> {
    const socket = connectAs(this.t.baseUrl, typeof user === 'string' ? user : user.accessToken);
    this.sockets.push(socket);
    return connected(socket);
  }

  /** A connected socket that joined the room, and the room's snapshot. */
  async enter(
    user: TestUser | string,
    coalitionId: string,
  ): Promise<{ socket: Socket; snapshot: RoomSnapshot }> {
    const socket = await this.open(user);
    const snapshot = await ok(emitAck<RoomSnapshot>(socket, 'room:join', { coalitionId }));
    return { socket, snapshot };
  }

  closeSockets(): void {
    for (const s of this.sockets.splice(0)) s.disconnect();
  }
}

/** The data of an ack that must be `{ ok: true }`. */
export async function ok<T>(reply: Promise<AckReply<T>>): Promise<T> {
  const ack = await reply;
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack.error)}`);
  return ack.data as T;
}

/** The error of an ack that must be `{ ok: false }` with this code (and a message naming `field`). */
export async function refused(
  reply: Promise<AckReply>,
  code: string,
  field?: string,
): Promise<{ code: string; message: string }> {
  const ack = await reply;
  expect(ack).toMatchObject({ ok: false, error: { code } });
  if (field !== undefined) expect(ack.error?.message).toContain(field);
  return ack.error as { code: string; message: string };
}

/** Collects every `event` this socket receives from now on. */
export function record<T = unknown>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/**
 * Resolves once the server answered an event sent now: packets reach a socket in the order the
 * server sent them, so whatever the server broadcast before this call has arrived by then. The
 * probe is an invalid payload, refused by validation (no side effect, no rate-limit token).
 */
export async function flush(socket: Socket): Promise<void> {
  const ack = await emitAck(socket, 'room:sync', { flush: true });
  if (ack.error?.code !== 'VALIDATION') throw new Error(`flush: ${JSON.stringify(ack)}`);
}

/** Posts a comment over the socket and answers it. */
export function say(
  socket: Socket,
  coalitionId: string,
  body: string,
  clientMsgId = `m-${Math.random().toString(36).slice(2, 12)}`,
): Promise<RoomComment> {
  return ok(emitAck<RoomComment>(socket, 'comment:create', { coalitionId, body, clientMsgId }));
}

/** The coalition's room moderation entries of the audit log (read as organiser), oldest first. */
export async function roomAudit(organiser: TestUser, coalitionId: string): Promise<AuditEntry[]> {
  const page = await organiser.client.coalitions.audit(coalitionId, { limit: 100 });
  return page.items.filter((e) => e.action.startsWith('room.')).sort((a, b) => a.seq - b.seq);
}

/** A valid id that names nothing. */
export const NO_SUCH_ID = '0123456789abcdef01234567';
