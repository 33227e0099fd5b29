import { Controller, Get, Module } from '@nestjs/common';
import { hello } from '@accord/core';

@Controller('health')
class HealthController {
  @Get()
  health(): { status: string } {
    return { status: hello() };
  }
}

@Module({ controllers: [HealthController] })
export class AppModule {}
