export * from './accord-client';
export * from './types';
export * from './realtime';
