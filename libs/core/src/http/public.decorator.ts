import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'accord:isPublic';

/** Marks a route that needs no access token. Every other route does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
