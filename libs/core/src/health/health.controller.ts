import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { AccordConfig } from '../config/accord-config';
import { DatabaseLifecycle } from '../database/database.module';
import { Public } from '../http/public.decorator';

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiProperty({ enum: ['up', 'down'] })
  db!: 'up' | 'down';

  @ApiProperty({ enum: ['up', 'down', 'disabled'] })
  redis!: 'up' | 'down' | 'disabled';
}

/** Answers whether Redis (when configured) is reachable, with its own short-lived client. */
@Injectable()
export class RedisProbe implements OnApplicationShutdown {
  private client?: Redis;

  constructor(@Inject(AccordConfig) private readonly config: AccordConfig) {}

  async status(): Promise<'up' | 'down' | 'disabled'> {
    if (!this.config.redisUrl) return 'disabled';
    this.client ??= this.connect(this.config.redisUrl);
    try {
      if (this.client.status === 'wait') await this.client.connect();
      return (await this.client.ping()) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  private connect(url: string): Redis {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // A Redis outage is reported by /api/health, not thrown at the process.
    client.on('error', () => undefined);
    return client;
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DatabaseLifecycle) private readonly database: DatabaseLifecycle,
    @Inject(RedisProbe) private readonly redis: RedisProbe,
  ) {}

  @Public()
  @Get()
  @HttpCode(200)
  @ApiOkResponse({
    type: HealthResponseDto,
    description: 'All dependencies reachable (503 when one is down)',
  })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponseDto> {
    const [dbUp, redis] = await Promise.all([this.database.ping(), this.redis.status()]);
    const healthy = dbUp && redis !== 'down';
    if (!healthy) res.status(503);
    return { status: healthy ? 'ok' : 'degraded', db: dbUp ? 'up' : 'down', redis };
  }
}

@Module({ controllers: [HealthController], providers: [RedisProbe] })
export class HealthModule {}
