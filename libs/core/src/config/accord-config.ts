import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { projectRoot } from './project-root';
import {
  ArrayUnique,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each setting and the environment variable it is read from. */
const ENV_NAMES = {
  nodeEnv: 'NODE_ENV',
  port: 'PORT',
  host: 'HOST',
  mongodbUri: 'MONGODB_URI',
  dataDir: 'DATA_DIR',
  ferretdbBin: 'FERRETDB_BIN',
  recommendationsDir: 'RECOMMENDATIONS_DIR',
  jwtAccessSecret: 'JWT_ACCESS_SECRET',
  jwtRefreshSecret: 'JWT_REFRESH_SECRET',
  auditSecret: 'AUDIT_SECRET',
  refreshTokenTtlDays: 'REFRESH_TOKEN_TTL_DAYS',
  redisUrl: 'REDIS_URL',
  corsOrigins: 'CORS_ORIGINS',
  adminEmails: 'ADMIN_EMAILS',
  trustProxy: 'TRUST_PROXY',
  logLevel: 'LOG_LEVEL',
  loginMaxFailuresPerAccount: 'LOGIN_MAX_FAILURES_PER_ACCOUNT',
  loginMaxFailuresPerIp: 'LOGIN_MAX_FAILURES_PER_IP',
  loginThrottleWindowSeconds: 'LOGIN_THROTTLE_WINDOW_SECONDS',
  planCompactAfter: 'PLAN_COMPACT_AFTER',
  planIdleSeconds: 'PLAN_IDLE_SECONDS',
  exportWorkers: 'EXPORT_WORKERS',
  exportTimeoutSeconds: 'EXPORT_TIMEOUT_SECONDS',
  webClientDir: 'WEB_CLIENT_DIR',
} as const satisfies Record<string, string>;

type SettingName = keyof typeof ENV_NAMES;

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const MIN_SECRET_LENGTH = 32;

/**
 * Accord's whole configuration, read from the environment once at boot and validated;
 * every bad variable is reported in one error.
 */
export class AccordConfig {
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  nodeEnv: (typeof NODE_ENVS)[number] = 'development';

  @Min(0, { message: 'must be between 0 and 65535' })
  @Max(65535, { message: 'must be between 0 and 65535' })
  @IsInt({ message: 'must be a whole number' })
  port = 3000;

  @MinLength(1, { message: 'must not be empty' })
  @IsString()
  host = '0.0.0.0';

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message: 'must be a MongoDB connection string (mongodb:// or mongodb+srv://)',
  })
  mongodbUri?: string;

  @MinLength(1, { message: 'must not be empty' })
  @IsString()
  dataDir = resolve('data');

  @IsOptional()
  @IsString()
  ferretdbBin?: string;

  /** Catalogue files (JSON) loaded at start; empty disables loading. */
  @IsString()
  recommendationsDir = join(projectRoot() ?? process.cwd(), 'data', 'recommendations');

  @ValidateIf((c: AccordConfig) => c.nodeEnv === 'production' || c.jwtAccessSecret !== undefined)
  @MinLength(MIN_SECRET_LENGTH, { message: `must be at least ${MIN_SECRET_LENGTH} characters` })
  @IsString({ message: 'is required when NODE_ENV=production' })
  jwtAccessSecret!: string;

  @ValidateIf((c: AccordConfig) => c.nodeEnv === 'production' || c.jwtRefreshSecret !== undefined)
  @MinLength(MIN_SECRET_LENGTH, { message: `must be at least ${MIN_SECRET_LENGTH} characters` })
  @IsString({ message: 'is required when NODE_ENV=production' })
  jwtRefreshSecret!: string;

  /** Keys the audit log's hashes, so entries cannot be re-hashed by someone with database access alone. */
  @ValidateIf((c: AccordConfig) => c.nodeEnv === 'production' || c.auditSecret !== undefined)
  @MinLength(MIN_SECRET_LENGTH, { message: `must be at least ${MIN_SECRET_LENGTH} characters` })
  @IsString({ message: 'is required when NODE_ENV=production' })
  auditSecret!: string;

  @Min(1, { message: 'must be between 1 and 365' })
  @Max(365, { message: 'must be between 1 and 365' })
  @IsInt({ message: 'must be a whole number of days' })
  refreshTokenTtlDays = 30;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a Redis URL (redis:// or rediss://)' })
  redisUrl?: string;

  @Matches(ORIGIN, {
    each: true,
    message: 'must list origins like https://accord.example.org, separated by commas',
  })
  @ArrayUnique()
  corsOrigins: string[] = [];

  @IsEmail({}, { each: true, message: 'must list email addresses separated by commas' })
  adminEmails: string[] = [];

  @Matches(/^(true|false|loopback|linklocal|uniquelocal|\d+|[0-9a-f.:/]+(,\s*[0-9a-f.:/]+)*)$/i, {
    message: 'must be true, false, a hop count, loopback, or a list of proxy addresses',
  })
  trustProxy = 'false';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  logLevel: (typeof LOG_LEVELS)[number] = 'info';

  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number' })
  loginMaxFailuresPerAccount = 5;

  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number' })
  loginMaxFailuresPerIp = 50;

  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be a whole number of seconds' })
  loginThrottleWindowSeconds = 900;

  /** A plan document is folded into a snapshot after this many stored updates. */
  @Min(10, { message: 'must be between 10 and 100000' })
  @Max(100_000, { message: 'must be between 10 and 100000' })
  @IsInt({ message: 'must be a whole number' })
  planCompactAfter = 500;

  /**
   * After this many seconds without edits a plan document is snapshotted; after twice as long
   * with nobody editing it on this node, it leaves memory.
   */
  @Min(1, { message: 'must be between 1 and 3600' })
  @Max(3600, { message: 'must be between 1 and 3600' })
  @IsInt({ message: 'must be a whole number of seconds' })
  planIdleSeconds = 30;

  /** Worker threads that render exports (PDF, Word, spreadsheets…) off the API's event loop. */
  @Min(1, { message: 'must be between 1 and 16' })
  @Max(16, { message: 'must be between 1 and 16' })
  @IsInt({ message: 'must be a whole number' })
  exportWorkers = 1;

  /** An export that takes longer is stopped (its worker replaced) and answered with an error. */
  @Min(5, { message: 'must be between 5 and 600' })
  @Max(600, { message: 'must be between 5 and 600' })
  @IsInt({ message: 'must be a whole number of seconds' })
  exportTimeoutSeconds = 60;

  /** The built web client (`npm run build`), served at `/`. */
  @MinLength(1, { message: 'must not be empty' })
  @IsString()
  webClientDir = join(projectRoot() ?? process.cwd(), 'dist', 'web');

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  get accessTokenTtlSeconds(): number {
    return 15 * 60;
  }

  isPlatformAdminEmail(email: string): boolean {
    return this.adminEmails.includes(email.trim().toLowerCase());
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Accord cannot start: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const INTEGER_SETTINGS: SettingName[] = [
  'port',
  'refreshTokenTtlDays',
  'loginMaxFailuresPerAccount',
  'loginMaxFailuresPerIp',
  'loginThrottleWindowSeconds',
  'planCompactAfter',
  'planIdleSeconds',
  'exportWorkers',
  'exportTimeoutSeconds',
];
const LIST_SETTINGS: SettingName[] = ['corsOrigins', 'adminEmails'];

function parseSetting(name: SettingName, raw: string): unknown {
  if (INTEGER_SETTINGS.includes(name)) {
    return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  }
  if (LIST_SETTINGS.includes(name)) {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    return name === 'adminEmails' ? items.map((s) => s.toLowerCase()) : items;
  }
  return raw.trim();
}

/**
 * Reads and validates the configuration. Throws a ConfigError that lists every bad variable.
 * Empty variables count as unset.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): AccordConfig {
  const config = new AccordConfig();
  const target = config as unknown as Record<string, unknown>;
  for (const [name, envName] of Object.entries(ENV_NAMES) as [SettingName, string][]) {
    const raw = env[envName];
    if (raw === undefined || raw.trim() === '') continue;
    target[name] = parseSetting(name, raw);
  }
  const problems = validateSync(config, { stopAtFirstError: true }).flatMap((error) => {
    const envName = ENV_NAMES[error.property as SettingName] ?? error.property;
    const raw = env[envName];
    // Connection strings may carry credentials: show the host part only.
    const shown =
      raw !== undefined && /_(URI|URL)$/.test(envName) && raw.includes('@')
        ? `***${raw.slice(raw.lastIndexOf('@'))}`
        : raw;
    return Object.values(error.constraints ?? {}).map(
      (message) =>
        `${envName} ${message}${shown !== undefined && !/SECRET/.test(envName) ? ` (got "${shown}")` : ''}`,
    );
  });
  if (problems.length > 0) throw new ConfigError(problems);
  if (!isAbsolute(config.dataDir)) config.dataDir = resolve(config.dataDir);
  if (!isAbsolute(config.webClientDir)) config.webClientDir = resolve(config.webClientDir);
  return config;
}

interface StoredSecrets {
  jwtAccessSecret: string;
  jwtRefreshSecret: string;
  auditSecret: string;
}

/**
 * Outside production, JWT secrets that are not given are generated once and kept in
 * DATA_DIR/secrets.json (mode 0600), so tokens survive a restart.
 */
export function ensureSecrets(config: AccordConfig): AccordConfig {
  if (config.jwtAccessSecret && config.jwtRefreshSecret && config.auditSecret) return config;
  const file = join(config.dataDir, 'secrets.json');
  let stored: Partial<StoredSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSecrets>;
    } catch (error) {
      throw new ConfigError([
        `${file} is not valid JSON (${(error as Error).message}); delete it to generate new secrets`,
      ]);
    }
  }
  const generated: StoredSecrets = {
    jwtAccessSecret: stored.jwtAccessSecret ?? randomBytes(48).toString('base64url'),
    jwtRefreshSecret: stored.jwtRefreshSecret ?? randomBytes(48).toString('base64url'),
    auditSecret: stored.auditSecret ?? randomBytes(48).toString('base64url'),
  };
  if (
    stored.jwtAccessSecret !== generated.jwtAccessSecret ||
    stored.jwtRefreshSecret !== generated.jwtRefreshSecret ||
    stored.auditSecret !== generated.auditSecret
  ) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  config.jwtAccessSecret ||= generated.jwtAccessSecret;
  config.jwtRefreshSecret ||= generated.jwtRefreshSecret;
  config.auditSecret ||= generated.auditSecret;
  return config;
}

/** parseConfig + ensureSecrets: what the server runs at boot. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AccordConfig {
  return ensureSecrets(parseConfig(env));
}
