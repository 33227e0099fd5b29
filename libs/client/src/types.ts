/** Wire types of the Accord REST API, free of server code so any client can use them. */

export const STAKEHOLDER_TYPES = [
  'state',
  'ngo',
  'business',
  'union',
  'academia',
  'intergovernmental',
  'nhri',
  'other',
] as const;
export type StakeholderType = (typeof STAKEHOLDER_TYPES)[number];
export type OrganisationRole = 'admin' | 'member';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  correlationId?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface Health {
  status: 'ok' | 'degraded';
  db: 'up' | 'down';
  redis: 'up' | 'down' | 'disabled';
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  platformRole: 'admin' | 'user';
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface MyOrganisation {
  id: string;
  name: string;
  stakeholderType: StakeholderType;
  country: string;
  verified: boolean;
  role: OrganisationRole;
}

export interface Me extends User {
  organisations: MyOrganisation[];
}

export interface OrganisationMember {
  userId: string;
  displayName: string;
  role: OrganisationRole;
  addedAt: string;
}

export interface Organisation {
  id: string;
  name: string;
  stakeholderType: StakeholderType;
  country: string;
  verified: boolean;
  memberCount: number;
  myRole: OrganisationRole | null;
  members?: OrganisationMember[];
  createdAt: string;
  updatedAt: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  displayName: string;
}

export interface CreateOrganisationInput {
  name: string;
  stakeholderType: StakeholderType;
  country: string;
}

export interface OrganisationQuery {
  stakeholderType?: StakeholderType;
  country?: string;
  q?: string;
  verified?: boolean;
  page?: number;
  limit?: number;
}
