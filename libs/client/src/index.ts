export * from './accord-client';
export * from './types';
