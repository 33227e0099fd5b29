import { randomBytes } from 'node:crypto';
import type {
  AccordClient,
  AuthResult,
  CreateOrganisationInput,
  Organisation,
  StakeholderType,
} from '@accord/client';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(5).toString('hex')}@test.accord.example`;
}

export function uniqueName(label = 'Organisation'): string {
  return `${label} ${randomBytes(4).toString('hex')}`;
}

export interface TestUser extends AuthResult {
  email: string;
  password: string;
  /** A client that acts as this user. */
  client: AccordClient;
}

/** Registers a new user through the API and returns a client signed in as them. */
export async function registerUser(
  anonymous: AccordClient,
  overrides: { email?: string; displayName?: string; password?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? PASSWORD;
  const result = await anonymous.register({
    email,
    password,
    displayName: overrides.displayName ?? 'Test User',
  });
  return { ...result, email, password, client: anonymous.withToken(result.accessToken) };
}

export async function createOrganisation(
  user: TestUser,
  overrides: Partial<CreateOrganisationInput> & { stakeholderType?: StakeholderType } = {},
): Promise<Organisation> {
  return user.client.organisations.create({
    name: overrides.name ?? uniqueName(),
    stakeholderType: overrides.stakeholderType ?? 'ngo',
    country: overrides.country ?? 'KE',
  });
}
