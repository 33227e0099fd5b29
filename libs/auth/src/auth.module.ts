import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { PassportModule } from '@nestjs/passport';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { LoginFailuresRepository } from './login-failures.repository';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from './password.service';
import {
  LoginFailure,
  LoginFailureSchema,
  RefreshToken,
  RefreshTokenSchema,
  Session,
  SessionRevocation,
  SessionRevocationSchema,
  SessionSchema,
} from './session.schema';
import { SessionsRepository } from './sessions.repository';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { User, UserSchema } from './user.schema';
import { UsersRepository } from './users.repository';

@Module({
  imports: [
    PassportModule.register({ session: false }),
    JwtModule.register({}),
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: Session.name, schema: SessionSchema },
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: SessionRevocation.name, schema: SessionRevocationSchema },
      { name: LoginFailure.name, schema: LoginFailureSchema },
    ]),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordService,
    LoginThrottleService,
    UsersRepository,
    SessionsRepository,
    LoginFailuresRepository,
    LocalStrategy,
    JwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [AuthService, UsersRepository],
})
export class AuthModule {}
