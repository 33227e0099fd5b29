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

export type CoalitionRole = 'observer' | 'member' | 'moderator' | 'organiser';
export type CoalitionVisibility = 'public' | 'private';

export interface Recommendation {
  id: string;
  code: string;
  text: string;
  theme: string;
  source: { document: string; paragraph: string };
  sdgTargets: string[];
  tags: string[];
  recommendingState: string | null;
  mechanism: string | null;
  response: 'supported' | 'noted' | null;
  createdAt: string;
  updatedAt: string;
}

export interface CoalitionSummary {
  id: string;
  name: string;
  visibility: CoalitionVisibility;
  memberOrganisationCount: number;
  multiStakeholder: boolean;
}

export interface RecommendationDetail extends Recommendation {
  coalitionCount: number;
  coalitions: CoalitionSummary[];
}

export interface RecommendationQuery {
  theme?: string;
  q?: string;
  sdg?: string;
  page?: number;
  limit?: number;
}

export interface ImportResult {
  created: number;
  updated: number;
}

export interface StakeholderMix {
  counts: Record<StakeholderType, number>;
  organisations: number;
  types: number;
  multiStakeholder: boolean;
}

export interface Coalition {
  id: string;
  name: string;
  purpose: string;
  visibility: CoalitionVisibility;
  status: 'active' | 'archived';
  recommendationIds: string[];
  stakeholderMix: StakeholderMix;
  memberCount: number;
  myRole: CoalitionRole | null;
  createdAt: string;
  updatedAt: string;
}

export interface CoalitionMember {
  userId: string;
  displayName: string;
  organisationId: string;
  role: CoalitionRole;
  joinedAt: string;
}

export interface CoalitionDetail extends Coalition {
  recommendations: { id: string; code: string; theme: string }[];
  organisations: {
    id: string;
    name: string;
    stakeholderType: StakeholderType;
    country: string;
    verified: boolean;
  }[];
  members?: CoalitionMember[];
}

export interface CreateCoalitionInput {
  name: string;
  purpose: string;
  visibility: CoalitionVisibility;
  recommendationIds: string[];
  organisationId: string;
}

export interface CoalitionQuery {
  recommendationId?: string;
  q?: string;
  visibility?: CoalitionVisibility;
  mine?: boolean;
  page?: number;
  limit?: number;
}

export interface JoinRequest {
  id: string;
  coalitionId: string;
  userId: string;
  displayName: string;
  organisationId: string;
  message: string | null;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
  decidedAt: string | null;
}

export interface Invitation {
  id: string;
  coalitionId: string;
  email: string;
  organisationId: string | null;
  role: CoalitionRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  createdAt: string;
}

export interface CreatedInvitation extends Invitation {
  /** Shown once: the invitee accepts with it. */
  token: string;
}

export interface MyInvitation extends Invitation {
  coalitionName: string;
}

export interface AuditEntry {
  id: string;
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  target: { type: string; id: string };
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditPage extends Page<AuditEntry> {
  integrity: { ok: boolean; checked: number; brokenAtSeq?: number; problem?: string };
}

/** Someone banned from a coalition's room (until unbanned). */
export interface RoomBan {
  userId: string;
  displayName: string | null;
  bannedAt: string;
  /** The user id of the moderator who banned them. */
  bannedBy: string;
}

/** Someone muted in a coalition's room now. */
export interface RoomMute {
  userId: string;
  displayName: string | null;
  /** When the mute ends (always in the future when listed). */
  mutedUntil: string;
  /** The user id of the moderator who muted them. */
  mutedBy: string;
}

/** `GET /coalitions/:id/restrictions`: active bans and mutes of the room, newest first. */
export interface RoomRestrictions {
  bans: RoomBan[];
  mutes: RoomMute[];
}

// ---- Action plans ----------------------------------------------------------------------------

export type PlanStatus = 'draft' | 'in_review' | 'endorsed' | 'published';
export type ActionStatus = 'not_started' | 'limited' | 'substantial' | 'completed';
export type MilestoneStatus = 'not_started' | 'in_progress' | 'completed';

export interface PlanMilestone {
  id: string;
  title: string;
  due: string | null;
  status: MilestoneStatus;
}

export interface PlanIndicator {
  id: string;
  name: string;
  baseline: string | number | null;
  target: string | number | null;
  unit: string | null;
}

export interface PlanAction {
  id: string;
  title: string;
  description: string;
  leadOrganisationId: string | null;
  supportingOrganisationIds: string[];
  startDate: string | null;
  endDate: string | null;
  status: ActionStatus;
  budget: string | null;
  milestones: PlanMilestone[];
  indicators: PlanIndicator[];
}

/** The JSON projection of a plan's Yjs document. */
export interface PlanContent {
  title: string;
  problem: string;
  baseline: string;
  objective: string;
  recommendationIds: string[];
  sdgTargets: string[];
  actions: PlanAction[];
}

export interface PlanSummary {
  id: string;
  coalitionId: string;
  title: string;
  status: PlanStatus;
  createdAt: string;
  editedAt: string | null;
}

export interface ActionPlan extends Omit<PlanSummary, 'title'>, PlanContent {
  seq: number;
  readOnly: boolean;
}

export type ExportFormat = 'pdf' | 'docx' | 'md' | 'csv' | 'xlsx' | 'json' | 'ics';

/** A downloaded export: the file's bytes with its media type and the name the server gave it. */
export interface ExportedFile {
  contentType: string;
  /** From Content-Disposition (the readable filename*, else the ASCII filename). */
  fileName: string;
  bytes: Uint8Array;
}

/** A plan made from a JSON export, with what the import took and left out. */
export interface ImportedPlan extends ActionPlan {
  imported: {
    actions: number;
    milestones: number;
    indicators: number;
    droppedRecommendations: string[];
    droppedOrganisations: string[];
  };
}

export type PlanFieldsInput = Partial<
  Pick<
    PlanContent,
    'title' | 'problem' | 'baseline' | 'objective' | 'recommendationIds' | 'sdgTargets'
  >
>;
export type ActionInput = Partial<Omit<PlanAction, 'id' | 'milestones' | 'indicators'>>;
export type MilestoneInput = Partial<Omit<PlanMilestone, 'id'>>;
export type IndicatorInput = Partial<Omit<PlanIndicator, 'id'>>;

export interface PlanVersion {
  id: string;
  planId: string;
  number: number;
  name: string;
  seq: number;
  createdBy: string;
  createdAt: string;
  restoredFrom: string | null;
}

export interface PlanVersionDetail extends PlanVersion {
  content: PlanContent;
}

export interface PlanChange {
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'moved';
  field?: string;
  summary: string;
}

export interface PlanChanges {
  from: PlanVersion;
  to: PlanVersion | null;
  changes: PlanChange[];
}

export interface PlanEndorsement {
  id: string;
  organisationId: string;
  organisationName: string | null;
  versionId: string;
  versionNumber: number | null;
  versionName: string | null;
  userId: string;
  createdAt: string;
  stale: boolean;
}
