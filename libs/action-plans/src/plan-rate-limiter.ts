import { Injectable } from '@nestjs/common';
import { EventRateLimiter } from '@accord/rooms';

/**
 * Plan events per person: editors send an update per keystroke and awareness per cursor move,
 * so the budget is larger than for room events (40 a second, bursts of 120).
 */
@Injectable()
export class PlanRateLimiter extends EventRateLimiter {
  constructor() {
    super(40, 120);
  }
}
