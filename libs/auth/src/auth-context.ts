/** Who is acting: what services receive instead of a Request or a Socket. */
export interface AuthContext {
  userId: string;
  email: string;
  displayName: string;
  /** Platform admins are the accounts listed in ADMIN_EMAILS. */
  isPlatformAdmin: boolean;
  /** The sign-in (refresh-token family) the access token belongs to. */
  sessionId: string;
}

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}
