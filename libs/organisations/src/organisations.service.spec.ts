import type { AuditService } from '@accord/audit';
import { Types } from 'mongoose';
import type { AuthContext, UserRecord, UsersRepository } from '@accord/auth';
import { AccordError, ErrorCode } from '@accord/core';
import type {
  MemberWithUser,
  OrganisationMemberRecord,
  OrganisationRecord,
} from './organisation.schema';
import type { OrganisationsRepository } from './organisations.repository';
import { OrganisationsService } from './organisations.service';
import type { OrganisationRole } from './stakeholder-type';

// ---- factories -------------------------------------------------------------

let seq = 0;

function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  seq += 1;
  const email = overrides.email ?? `person-${seq}@rights.example.org`;
  return {
    _id: new Types.ObjectId(),
    email,
    emailNormalized: email.trim().toLowerCase(),
    displayName: `Person ${seq}`,
    passwordHash: 'not-a-real-hash',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

function aCaller(overrides: Partial<AuthContext> = {}): AuthContext {
  const user = aUser();
  return {
    userId: user._id.toString(),
    email: user.email,
    displayName: user.displayName,
    isPlatformAdmin: false,
    sessionId: `session-${seq}`,
    ...overrides,
  };
}

function anOrganisation(overrides: Partial<OrganisationRecord> = {}): OrganisationRecord {
  seq += 1;
  return {
    _id: new Types.ObjectId(),
    name: `Defenders Network ${seq}`,
    nameNormalized: `defenders network ${seq}`,
    stakeholderType: 'ngo',
    country: 'KE',
    verified: false,
    createdBy: new Types.ObjectId(),
    createdAt: new Date('2025-02-01T00:00:00Z'),
    updatedAt: new Date('2025-02-01T00:00:00Z'),
    ...overrides,
  };
}

function aMembership(
  org: OrganisationRecord,
  userId: Types.ObjectId | string,
  role: OrganisationRole,
): OrganisationMemberRecord {
  return {
    _id: new Types.ObjectId(),
    organisationId: org._id,
    userId: new Types.ObjectId(userId.toString()),
    role,
    addedAt: new Date('2025-03-01T00:00:00Z'),
  };
}

function aMemberWithUser(
  org: OrganisationRecord,
  user: UserRecord,
  role: OrganisationRole,
): MemberWithUser {
  return {
    ...aMembership(org, user._id, role),
    userId: { _id: user._id, displayName: user.displayName },
  };
}

// ---- repository-boundary mocks -----------------------------------------------

function mockOrganisationsRepository() {
  return {
    create: jest.fn<Promise<OrganisationRecord>, Parameters<OrganisationsRepository['create']>>(),
    findById: jest.fn<Promise<OrganisationRecord | null>, [string]>(),
    list: jest.fn<
      ReturnType<OrganisationsRepository['list']>,
      Parameters<OrganisationsRepository['list']>
    >(),
    setVerified: jest.fn<Promise<OrganisationRecord | null>, [string, boolean]>(),
    findMembership: jest.fn<Promise<OrganisationMemberRecord | null>, [Types.ObjectId, string]>(),
    membershipsOf: jest.fn<Promise<Map<string, OrganisationRole>>, [string, Types.ObjectId[]]>(),
    countMembers: jest.fn<Promise<Map<string, number>>, [Types.ObjectId[]]>(),
    listMembers: jest.fn<Promise<MemberWithUser[]>, [Types.ObjectId]>(),
    listMembershipsOfUser: jest.fn<
      ReturnType<OrganisationsRepository['listMembershipsOfUser']>,
      [string]
    >(),
    addMember: jest.fn<
      Promise<OrganisationMemberRecord | null>,
      [Types.ObjectId, Types.ObjectId, OrganisationRole]
    >(),
  };
}

function mockUsersRepository() {
  return {
    create: jest.fn<Promise<UserRecord>, Parameters<UsersRepository['create']>>(),
    findById: jest.fn<Promise<UserRecord | null>, [string]>(),
    findByEmail: jest.fn<Promise<UserRecord | null>, [string]>(),
    findByIds: jest.fn<Promise<UserRecord[]>, [string[]]>(),
  };
}

async function accordError(promise: Promise<unknown>): Promise<AccordError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordError) return error;
    throw error;
  }
  throw new Error('expected an AccordError, but the call succeeded');
}

type CallerRole = OrganisationRole | 'none';

const ROLES_AND_PLATFORM_ADMIN: { role: CallerRole; platformAdmin: boolean }[] = (
  ['admin', 'member', 'none'] as const
).flatMap((role) => [true, false].map((platformAdmin) => ({ role, platformAdmin })));

describe('OrganisationsService', () => {
  let organisations: ReturnType<typeof mockOrganisationsRepository>;
  let users: ReturnType<typeof mockUsersRepository>;
  let service: OrganisationsService;
  let audit: { record: jest.Mock };
  let org: OrganisationRecord;
  let existingMember: UserRecord;

  beforeEach(() => {
    organisations = mockOrganisationsRepository();
    users = mockUsersRepository();
    audit = { record: jest.fn().mockResolvedValue(undefined) };
    service = new OrganisationsService(
      organisations as unknown as OrganisationsRepository,
      users as unknown as UsersRepository,
      audit as unknown as AuditService,
    );
    org = anOrganisation();
    existingMember = aUser();
    organisations.findById.mockImplementation((id) =>
      Promise.resolve(id === org._id.toString() ? org : null),
    );
    organisations.findMembership.mockResolvedValue(null);
    organisations.listMembers.mockResolvedValue([aMemberWithUser(org, existingMember, 'admin')]);
    organisations.countMembers.mockImplementation((ids) =>
      Promise.resolve(new Map(ids.map((id) => [id.toString(), 1]))),
    );
  });

  /** A caller with the given role in `org` (none: not a member). */
  function callerWith(role: CallerRole, platformAdmin = false): AuthContext {
    const ctx = aCaller({ isPlatformAdmin: platformAdmin });
    organisations.findMembership.mockImplementation((orgId, userId) =>
      Promise.resolve(
        role !== 'none' && orgId.equals(org._id) && userId === ctx.userId
          ? aMembership(org, userId, role)
          : null,
      ),
    );
    return ctx;
  }

  describe('addMember authorization', () => {
    it.each(ROLES_AND_PLATFORM_ADMIN.map((row) => ({ ...row, allowed: row.role === 'admin' })))(
      'org role $role, platform admin $platformAdmin → allowed: $allowed',
      async ({ role, platformAdmin, allowed }) => {
        const ctx = callerWith(role, platformAdmin);
        const invitee = aUser({ email: 'colleague@rights.example.org' });
        users.findByEmail.mockResolvedValue(invitee);
        organisations.addMember.mockImplementation((orgId, userId, newRole) =>
          Promise.resolve({ ...aMembership(org, userId, newRole), organisationId: orgId }),
        );

        const attempt = service.addMember(ctx, org._id.toString(), {
          email: 'colleague@rights.example.org',
          role: 'member',
        });

        if (allowed) {
          await expect(attempt).resolves.toEqual({
            userId: invitee._id.toString(),
            displayName: invitee.displayName,
            role: 'member',
            addedAt: '2025-03-01T00:00:00.000Z',
          });
          expect(organisations.addMember).toHaveBeenCalledWith(org._id, invitee._id, 'member');
          expect(audit.record).toHaveBeenCalledWith(
            expect.objectContaining({
              action: 'organisation.member.added',
              actorId: ctx.userId,
              target: { type: 'user', id: invitee._id.toString() },
            }),
          );
        } else {
          const error = await accordError(attempt);
          expect(error.code).toBe(ErrorCode.FORBIDDEN);
          expect(error.status).toBe(403);
          expect(organisations.addMember).not.toHaveBeenCalled();
          // A refused caller learns nothing about which emails have accounts.
          expect(users.findByEmail).not.toHaveBeenCalled();
          expect(audit.record).not.toHaveBeenCalled();
        }
      },
    );
  });

  describe('setVerified authorization', () => {
    it.each(ROLES_AND_PLATFORM_ADMIN.map((row) => ({ ...row, allowed: row.platformAdmin })))(
      'org role $role, platform admin $platformAdmin → allowed: $allowed',
      async ({ role, platformAdmin, allowed }) => {
        const ctx = callerWith(role, platformAdmin);
        organisations.setVerified.mockImplementation((id, verified) =>
          Promise.resolve(id === org._id.toString() ? { ...org, verified } : null),
        );

        const attempt = service.setVerified(ctx, org._id.toString(), true);

        if (allowed) {
          await expect(attempt).resolves.toMatchObject({ id: org._id.toString(), verified: true });
          expect(organisations.setVerified).toHaveBeenCalledWith(org._id.toString(), true);
          expect(audit.record).toHaveBeenCalledWith(
            expect.objectContaining({ action: 'organisation.verified', actorId: ctx.userId }),
          );
        } else {
          const error = await accordError(attempt);
          expect(error.code).toBe(ErrorCode.FORBIDDEN);
          expect(organisations.setVerified).not.toHaveBeenCalled();
        }
      },
    );

    it('answers NOT_FOUND to a platform admin for an unknown organisation', async () => {
      organisations.setVerified.mockResolvedValue(null);

      const error = await accordError(
        service.setVerified(aCaller({ isPlatformAdmin: true }), 'f'.repeat(24), true),
      );

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
    });
  });

  describe('get', () => {
    it.each(
      ROLES_AND_PLATFORM_ADMIN.map((row) => ({
        ...row,
        seesMembers: row.role !== 'none' || row.platformAdmin,
      })),
    )(
      'org role $role, platform admin $platformAdmin → sees members: $seesMembers',
      async ({ role, platformAdmin, seesMembers }) => {
        const ctx = callerWith(role, platformAdmin);

        const shown = await service.get(ctx, org._id.toString());

        expect(shown).toMatchObject({
          id: org._id.toString(),
          name: org.name,
          memberCount: 1,
          myRole: role === 'none' ? null : role,
        });
        if (seesMembers) {
          expect(shown.members).toEqual([
            {
              userId: existingMember._id.toString(),
              displayName: existingMember.displayName,
              role: 'admin',
              addedAt: '2025-03-01T00:00:00.000Z',
            },
          ]);
        } else {
          expect(shown).not.toHaveProperty('members');
          expect(organisations.listMembers).not.toHaveBeenCalled();
        }
      },
    );

    it('answers NOT_FOUND for an unknown organisation', async () => {
      const error = await accordError(service.get(aCaller(), new Types.ObjectId().toString()));

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
    });
  });

  describe('addMember', () => {
    it('answers NOT_FOUND naming the email when no account has it', async () => {
      const ctx = callerWith('admin');
      users.findByEmail.mockResolvedValue(null);

      const error = await accordError(
        service.addMember(ctx, org._id.toString(), {
          email: 'Nobody@Rights.Example.org',
          role: 'member',
        }),
      );

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
      expect(error.message).toContain('Nobody@Rights.Example.org');
      expect(users.findByEmail).toHaveBeenCalledWith('nobody@rights.example.org');
      expect(organisations.addMember).not.toHaveBeenCalled();
    });

    it('answers CONFLICT when the repository reports the person is already a member', async () => {
      const ctx = callerWith('admin');
      const invitee = aUser();
      users.findByEmail.mockResolvedValue(invitee);
      organisations.addMember.mockResolvedValue(null);

      const error = await accordError(
        service.addMember(ctx, org._id.toString(), { email: invitee.email, role: 'admin' }),
      );

      expect(error.code).toBe(ErrorCode.CONFLICT);
      expect(error.status).toBe(409);
      expect(error.message).toContain(invitee.displayName);
      expect(organisations.addMember).toHaveBeenCalledWith(org._id, invitee._id, 'admin');
    });

    it('answers NOT_FOUND for an unknown organisation before any other lookup', async () => {
      const error = await accordError(
        service.addMember(callerWith('admin'), new Types.ObjectId().toString(), {
          email: 'colleague@rights.example.org',
          role: 'member',
        }),
      );

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
      expect(organisations.findMembership).not.toHaveBeenCalled();
      expect(users.findByEmail).not.toHaveBeenCalled();
    });
  });
});
