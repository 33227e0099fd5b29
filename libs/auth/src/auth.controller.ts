import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '@accord/core';
import type { ClientMeta } from './auth-context';
import { toAuthResponse } from './auth.mapper';
import { AuthService } from './auth.service';
import { ClientInfo, CurrentUser } from './current-user.decorator';
import { AuthResponseDto, LoginDto, RefreshTokenDto, RegisterDto } from './dto/auth.dto';
import { LocalAuthGuard } from './guards/local-auth.guard';
import type { UserRecord } from './user.schema';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiCreatedResponse({ type: AuthResponseDto })
  @ApiBadRequestResponse({
    description: 'A field is missing or invalid, or an unknown field was sent',
  })
  @ApiConflictResponse({ description: 'An account with this email already exists' })
  async register(
    @Body() dto: RegisterDto,
    @ClientInfo() meta: ClientMeta,
  ): Promise<AuthResponseDto> {
    const result = await this.auth.register(dto, meta);
    return toAuthResponse(result, this.auth.isPlatformAdmin(result.user));
  }

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiUnauthorizedResponse({ description: 'Email or password is incorrect' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  async login(
    @Body() _dto: LoginDto,
    @CurrentUser() user: unknown,
    @ClientInfo() meta: ClientMeta,
  ): Promise<AuthResponseDto> {
    const record = user as UserRecord;
    const result = await this.auth.login(record, meta);
    return toAuthResponse(result, this.auth.isPlatformAdmin(record));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({
    type: AuthResponseDto,
    description: 'A new pair; the old refresh token is spent',
  })
  @ApiUnauthorizedResponse({
    description: 'Invalid, expired or already used (the sign-in is then revoked)',
  })
  async refresh(@Body() dto: RefreshTokenDto): Promise<AuthResponseDto> {
    const result = await this.auth.refresh(dto.refreshToken);
    return toAuthResponse(result, this.auth.isPlatformAdmin(result.user));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The sign-in is ended; its tokens no longer work' })
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }
}
