import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthContext, ClientMeta } from './auth-context';

/** The AuthContext of the signed-in caller (set by the global JWT guard). */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthContext => {
    return ctx.switchToHttp().getRequest<Request & { user: AuthContext }>().user;
  },
);

/** The caller's address (after TRUST_PROXY) and user agent. */
export const ClientInfo = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientMeta => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { ip: req.ip ?? null, userAgent: req.header('user-agent') ?? null };
});
