import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AccordConfig, ConfigError, ensureSecrets, loadConfig, parseConfig } from './accord-config';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(40);
const SECRET_C = 'c'.repeat(36);

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The environment variable each problem is about (the first word of the problem). */
function namedVariables(error: ConfigError): string[] {
  return error.problems.map((p) => p.split(' ')[0]).sort();
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toBeInstanceOf(AccordConfig);
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('data'),
      refreshTokenTtlDays: 30,
      corsOrigins: [],
      adminEmails: [],
      trustProxy: 'false',
      logLevel: 'info',
      loginMaxFailuresPerAccount: 5,
      loginMaxFailuresPerIp: 50,
      loginThrottleWindowSeconds: 900,
    });
    expect(config.mongodbUri).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.ferretdbBin).toBeUndefined();
    expect(config.jwtAccessSecret).toBeUndefined();
    expect(config.jwtRefreshSecret).toBeUndefined();
    expect(config.isProduction).toBe(false);
    expect(config.accessTokenTtlSeconds).toBe(900);
  });

  it('reads every variable it knows', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '127.0.0.1',
      MONGODB_URI: 'mongodb+srv://cluster.example.org/accord',
      DATA_DIR: '/var/lib/accord',
      FERRETDB_BIN: '/opt/ferretdb',
      JWT_ACCESS_SECRET: SECRET_A,
      JWT_REFRESH_SECRET: SECRET_B,
      AUDIT_SECRET: SECRET_C,
      REFRESH_TOKEN_TTL_DAYS: '7',
      REDIS_URL: 'rediss://cache.example.org:6380',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '20',
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '127.0.0.1',
      mongodbUri: 'mongodb+srv://cluster.example.org/accord',
      dataDir: '/var/lib/accord',
      ferretdbBin: '/opt/ferretdb',
      jwtAccessSecret: SECRET_A,
      jwtRefreshSecret: SECRET_B,
      refreshTokenTtlDays: 7,
      redisUrl: 'rediss://cache.example.org:6380',
      trustProxy: 'loopback',
      logLevel: 'warn',
      loginMaxFailuresPerAccount: 3,
      loginMaxFailuresPerIp: 20,
      loginThrottleWindowSeconds: 60,
    });
    expect(config.isProduction).toBe(true);
  });

  it('lists every bad variable in one ConfigError', () => {
    const error = configError({
      NODE_ENV: 'staging',
      PORT: 'abc',
      MONGODB_URI: 'http://nope',
      REDIS_URL: 'nope',
      LOG_LEVEL: 'loud',
      REFRESH_TOKEN_TTL_DAYS: '0',
      CORS_ORIGINS: 'not an origin',
      ADMIN_EMAILS: 'chair@platform.example, not-an-email',
      TRUST_PROXY: 'sometimes',
      LOGIN_MAX_FAILURES_PER_IP: '1.5',
    });
    const expected = [
      'ADMIN_EMAILS',
      'CORS_ORIGINS',
      'LOGIN_MAX_FAILURES_PER_IP',
      'LOG_LEVEL',
      'MONGODB_URI',
      'NODE_ENV',
      'PORT',
      'REDIS_URL',
      'REFRESH_TOKEN_TTL_DAYS',
      'TRUST_PROXY',
    ];
    expect(namedVariables(error)).toEqual(expected);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(`${expected.length} configuration problems`);
    for (const name of expected) expect(error.message).toContain(`  - ${name} `);
    // The offending value is shown for ordinary settings, so the fix is obvious.
    expect(error.message).toContain('(got "http://nope")');
    expect(error.message).toContain('(got "abc")');
  });

  it('reports a single problem in the singular', () => {
    const error = configError({ PORT: '70000' });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('1 configuration problem:');
    expect(error.problems[0]).toMatch(/^PORT .*65535/);
  });

  it.each([
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['REFRESH_TOKEN_TTL_DAYS', '366'],
    ['LOGIN_MAX_FAILURES_PER_ACCOUNT', '0'],
    ['LOGIN_THROTTLE_WINDOW_SECONDS', 'soon'],
    ['NODE_ENV', 'prod'],
    ['TRUST_PROXY', 'yes please'],
  ])('rejects %s=%s', (name, value) => {
    expect(namedVariables(configError({ [name]: value }))).toEqual([name]);
  });

  it('accepts the edges of the ranges', () => {
    expect(parseConfig({ PORT: '0' }).port).toBe(0);
    expect(parseConfig({ PORT: '65535' }).port).toBe(65535);
    expect(parseConfig({ REFRESH_TOKEN_TTL_DAYS: '365' }).refreshTokenTtlDays).toBe(365);
    expect(parseConfig({ PORT: ' 8080 ' }).port).toBe(8080);
  });

  it('explains what a number setting needs when it is not a number', () => {
    expect(configError({ PORT: 'abc' }).problems).toEqual([
      'PORT must be a whole number (got "abc")',
    ]);
  });

  describe('JWT secrets', () => {
    it('requires all three (and the audit secret) in production and names them', () => {
      const error = configError({ NODE_ENV: 'production' });
      expect(namedVariables(error)).toEqual([
        'AUDIT_SECRET',
        'JWT_ACCESS_SECRET',
        'JWT_REFRESH_SECRET',
      ]);
    });

    it('says a missing production secret is required (not that it is too short)', () => {
      const error = configError({
        NODE_ENV: 'production',
        JWT_REFRESH_SECRET: SECRET_B,
        AUDIT_SECRET: SECRET_C,
      });
      expect(error.problems).toEqual(['JWT_ACCESS_SECRET is required when NODE_ENV=production']);
    });

    it('requires at least 32 characters, in production and whenever one is given', () => {
      const short = 'x'.repeat(31);
      expect(
        namedVariables(
          configError({
            NODE_ENV: 'production',
            JWT_ACCESS_SECRET: short,
            JWT_REFRESH_SECRET: SECRET_B,
            AUDIT_SECRET: SECRET_C,
          }),
        ),
      ).toEqual(['JWT_ACCESS_SECRET']);
      expect(namedVariables(configError({ JWT_REFRESH_SECRET: short }))).toEqual([
        'JWT_REFRESH_SECRET',
      ]);
      expect(configError({ JWT_REFRESH_SECRET: short }).message).toContain(
        'at least 32 characters',
      );

      const config = parseConfig({
        NODE_ENV: 'production',
        JWT_ACCESS_SECRET: 'y'.repeat(32),
        JWT_REFRESH_SECRET: SECRET_B,
        AUDIT_SECRET: SECRET_C,
      });
      expect(config.jwtAccessSecret).toBe('y'.repeat(32));
    });

    it('never echoes a secret in the error text', () => {
      const accessSecret = 'top-secret-access-value';
      const refreshSecret = 'top-secret-refresh-value';
      const error = configError({
        NODE_ENV: 'production',
        JWT_ACCESS_SECRET: accessSecret,
        JWT_REFRESH_SECRET: refreshSecret,
        PORT: 'abc',
      });
      expect(namedVariables(error)).toEqual([
        'AUDIT_SECRET',
        'JWT_ACCESS_SECRET',
        'JWT_REFRESH_SECRET',
        'PORT',
      ]);
      expect(error.message).not.toContain(accessSecret);
      expect(error.message).not.toContain(refreshSecret);
      expect(error.message).not.toContain('top-secret');
    });

    it('never echoes credentials of a malformed connection string', () => {
      const error = configError({
        MONGODB_URI: 'mongodb//accord:s3cr3t-db-password@db.example.org/accord',
        REDIS_URL: 'http://:s3cr3t-redis-password@cache.example.org',
      });
      expect(namedVariables(error)).toEqual(['MONGODB_URI', 'REDIS_URL']);
      expect(error.message).not.toContain('s3cr3t-db-password');
      expect(error.message).not.toContain('s3cr3t-redis-password');
    });
  });

  describe('lists', () => {
    it('splits CORS_ORIGINS on commas, trimming and dropping empty entries', () => {
      const config = parseConfig({
        CORS_ORIGINS: ' https://accord.example.org, http://localhost:5173 ,,',
      });
      expect(config.corsOrigins).toEqual(['https://accord.example.org', 'http://localhost:5173']);
    });

    it('refuses a CORS origin with a path, and duplicate origins', () => {
      expect(
        namedVariables(configError({ CORS_ORIGINS: 'https://accord.example.org/app' })),
      ).toEqual(['CORS_ORIGINS']);
      expect(
        namedVariables(
          configError({ CORS_ORIGINS: 'https://a.example.org,https://a.example.org' }),
        ),
      ).toEqual(['CORS_ORIGINS']);
    });

    it('lower-cases ADMIN_EMAILS and matches them whatever the case', () => {
      const config = parseConfig({
        ADMIN_EMAILS: 'Chair@Platform.Example , SECRETARIAT@un.example',
      });
      expect(config.adminEmails).toEqual(['chair@platform.example', 'secretariat@un.example']);
      expect(config.isPlatformAdminEmail('  CHAIR@platform.example ')).toBe(true);
      expect(config.isPlatformAdminEmail('someone@platform.example')).toBe(false);
    });
  });

  describe('empty variables', () => {
    it('count as unset: the defaults apply and nothing is reported', () => {
      const config = parseConfig({
        NODE_ENV: '',
        PORT: '',
        HOST: '   ',
        MONGODB_URI: '',
        REDIS_URL: ' ',
        DATA_DIR: '',
        CORS_ORIGINS: '',
        ADMIN_EMAILS: '',
        LOG_LEVEL: '',
        JWT_ACCESS_SECRET: '',
      });
      expect(config).toMatchObject({
        nodeEnv: 'development',
        port: 3000,
        host: '0.0.0.0',
        dataDir: resolve('data'),
        logLevel: 'info',
      });
      expect(config.mongodbUri).toBeUndefined();
      expect(config.redisUrl).toBeUndefined();
      expect(config.corsOrigins).toEqual([]);
      expect(config.jwtAccessSecret).toBeUndefined();
    });

    it('an empty production secret is a missing one', () => {
      expect(
        namedVariables(
          configError({
            NODE_ENV: 'production',
            JWT_ACCESS_SECRET: '',
            JWT_REFRESH_SECRET: ' ',
            AUDIT_SECRET: '',
          }),
        ),
      ).toEqual(['AUDIT_SECRET', 'JWT_ACCESS_SECRET', 'JWT_REFRESH_SECRET']);
    });
  });

  it('makes a relative DATA_DIR absolute', () => {
    expect(parseConfig({ DATA_DIR: 'var/accord' }).dataDir).toBe(resolve('var/accord'));
  });
});

describe('ensureSecrets', () => {
  it('generates the secrets once into DATA_DIR/secrets.json (mode 0600) and reuses them', () => {
    const dataDir = join(tempDir(), 'not-yet-created');
    const file = join(dataDir, 'secrets.json');

    const first = ensureSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(first.jwtAccessSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.jwtRefreshSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.jwtAccessSecret).not.toBe(first.jwtRefreshSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = readFileSync(file, 'utf8');
    expect(first.auditSecret.length).toBeGreaterThanOrEqual(32);
    expect(JSON.parse(content)).toEqual({
      jwtAccessSecret: first.jwtAccessSecret,
      jwtRefreshSecret: first.jwtRefreshSecret,
      auditSecret: first.auditSecret,
    });

    const second = ensureSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(second.jwtAccessSecret).toBe(first.jwtAccessSecret);
    expect(second.jwtRefreshSecret).toBe(first.jwtRefreshSecret);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('generates different secrets for different data directories', () => {
    const a = ensureSecrets(parseConfig({ DATA_DIR: tempDir() }));
    const b = ensureSecrets(parseConfig({ DATA_DIR: tempDir() }));
    expect(a.jwtAccessSecret).not.toBe(b.jwtAccessSecret);
  });

  it('keeps given secrets and writes nothing when all are set', () => {
    const dataDir = tempDir();
    const config = ensureSecrets(
      parseConfig({
        DATA_DIR: dataDir,
        JWT_ACCESS_SECRET: SECRET_A,
        JWT_REFRESH_SECRET: SECRET_B,
        AUDIT_SECRET: SECRET_C,
      }),
    );
    expect(config.jwtAccessSecret).toBe(SECRET_A);
    expect(config.jwtRefreshSecret).toBe(SECRET_B);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('keeps a given secret and fills in only the missing one', () => {
    const dataDir = tempDir();
    const config = ensureSecrets(parseConfig({ DATA_DIR: dataDir, JWT_ACCESS_SECRET: SECRET_A }));
    expect(config.jwtAccessSecret).toBe(SECRET_A);
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as {
      jwtRefreshSecret: string;
    };
    expect(config.jwtRefreshSecret).toBe(stored.jwtRefreshSecret);
  });

  it('refuses a corrupt secrets.json with a ConfigError naming the file, and leaves it alone', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'secrets.json');
    writeFileSync(file, '{ "jwtAccessSecret": ', { mode: 0o600 });

    let error: unknown;
    try {
      ensureSecrets(parseConfig({ DATA_DIR: dataDir }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe('{ "jwtAccessSecret": ');
  });

  it('reads secrets written by an earlier version with looser permissions', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ jwtAccessSecret: SECRET_A, jwtRefreshSecret: SECRET_B }));
    chmodSync(file, 0o644);
    const config = ensureSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(config.jwtAccessSecret).toBe(SECRET_A);
    expect(config.jwtRefreshSecret).toBe(SECRET_B);
  });
});

describe('loadConfig', () => {
  it('parses and then ensures secrets from the given environment', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '4000' });
    expect(config.port).toBe(4000);
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as {
      jwtAccessSecret: string;
      jwtRefreshSecret: string;
    };
    expect(config.jwtAccessSecret).toBe(stored.jwtAccessSecret);
    expect(config.jwtRefreshSecret).toBe(stored.jwtRefreshSecret);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtAccessSecret).toBe(stored.jwtAccessSecret);
  });

  it('fails before touching the data directory when the configuration is bad', () => {
    const dataDir = join(tempDir(), 'never');
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('writes no secrets file in production, where the secrets are given', () => {
    const dataDir = tempDir();
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_ACCESS_SECRET: SECRET_A,
      JWT_REFRESH_SECRET: SECRET_B,
      AUDIT_SECRET: SECRET_C,
    });
    expect(config.jwtAccessSecret).toBe(SECRET_A);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });
});
