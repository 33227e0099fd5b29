import { ApiProperty } from '@nestjs/swagger';
import { TrimString } from '@accord/core';
import { IsEmail, IsJWT, IsString, MaxLength, MinLength } from 'class-validator';

export class RegisterDto {
  @ApiProperty({ example: 'ana@rights.example.org', maxLength: 254 })
  @TrimString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  @IsString()
  email!: string;

  @ApiProperty({ minLength: 10, maxLength: 128, description: 'At least 10 characters' })
  @MinLength(10, { message: 'password must be at least 10 characters long' })
  @MaxLength(128, { message: 'password must be at most 128 characters long' })
  @IsString()
  password!: string;

  @ApiProperty({ example: 'Ana Duarte', maxLength: 100 })
  @TrimString()
  @MinLength(1, { message: 'displayName must not be empty' })
  @MaxLength(100)
  @IsString()
  displayName!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ana@rights.example.org' })
  @TrimString()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  @IsString()
  email!: string;

  @ApiProperty()
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(128)
  @IsString()
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from register, login or a previous refresh' })
  @IsJWT({ message: 'refreshToken must be a refresh token issued by Accord' })
  @IsString()
  refreshToken!: string;
}

export class UserResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({
    enum: ['admin', 'user'],
    description: 'admin for the accounts listed in ADMIN_EMAILS',
  })
  platformRole!: 'admin' | 'user';

  @ApiProperty()
  createdAt!: string;
}

export class AuthResponseDto {
  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;

  @ApiProperty({ description: 'Bearer token, valid 15 minutes' })
  accessToken!: string;

  @ApiProperty({ description: 'Exchange once at POST /api/auth/refresh for a new pair' })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;
}
