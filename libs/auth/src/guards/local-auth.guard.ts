import type { Observable } from 'rxjs';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AccordError, validateDto } from '@accord/core';
import type { Request } from 'express';
import { LoginDto } from '../dto/auth.dto';

/** Password sign-in. The body is validated here because guards run before pipes. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override canActivate(
    context: ExecutionContext,
  ): boolean | Promise<boolean> | Observable<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    validateDto(LoginDto, req.body);
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err) throw err instanceof Error ? err : new Error('Authentication failed');
    if (!user) throw AccordError.unauthorized('Email or password is incorrect');
    return user;
  }
}
