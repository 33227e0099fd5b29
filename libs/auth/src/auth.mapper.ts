import type { AuthResult } from './auth.service';
import type { AuthResponseDto, UserResponseDto } from './dto/auth.dto';
import type { UserRecord } from './user.schema';

export function toUserResponse(user: UserRecord, isPlatformAdmin: boolean): UserResponseDto {
  return {
    id: user._id.toString(),
    email: user.email,
    displayName: user.displayName,
    platformRole: isPlatformAdmin ? 'admin' : 'user',
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

export function toAuthResponse(result: AuthResult, isPlatformAdmin: boolean): AuthResponseDto {
  return {
    user: toUserResponse(result.user, isPlatformAdmin),
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    expiresIn: result.expiresIn,
  };
}
