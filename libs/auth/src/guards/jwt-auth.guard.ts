import type { Observable } from 'rxjs';
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AccordError, IS_PUBLIC_KEY } from '@accord/core';

/** Global guard: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {
    super();
  }

  override canActivate(
    context: ExecutionContext,
  ): boolean | Promise<boolean> | Observable<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Sockets authenticate once at the handshake (the socket.io adapter); this guard is HTTP's.
    if (isPublic || context.getType() !== 'http') return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err instanceof Error ? err : new Error('Authentication failed');
    if (!user) {
      const reason = info instanceof Error ? info.message : '';
      if (/no auth token/i.test(reason)) {
        throw AccordError.unauthorized(
          'Sign in first: send the header Authorization: Bearer <accessToken>',
        );
      }
      if (/expired/i.test(reason))
        throw AccordError.unauthorized('The access token has expired; refresh it');
      throw AccordError.unauthorized('The access token is invalid');
    }
    return user;
  }
}
