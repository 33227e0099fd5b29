export * from './accord-client';
export * from './types';
export * from './realtime';
export * from './plan-session';
