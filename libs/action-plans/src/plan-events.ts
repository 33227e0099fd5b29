import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { PlanStatus } from './action-plan.schema';

/** What happened to plans, for the realtime layer to pass to this node's sockets. */
export type PlanEvent =
  | {
      /** A stored change (or one another node stored), for the plan's sockets on this node. */
      type: 'plan.update';
      planId: string;
      update: Uint8Array;
      /** The socket that sent it (it has it already). */
      except?: string;
    }
  | { type: 'plan.awareness'; planId: string; update: Uint8Array; except?: string }
  | {
      /** The workflow moved: editors learn whether they may still write. */
      type: 'plan.status';
      planId: string;
      coalitionId: string;
      status: PlanStatus;
    }
  | {
      /** An organisation endorsed a version: the plan's readers see the endorsements change. */
      type: 'plan.endorsed';
      planId: string;
      coalitionId: string;
      organisationId: string;
      versionId: string;
    };

@Injectable()
export class PlanEvents {
  private readonly subject = new Subject<PlanEvent>();
  readonly events$ = this.subject.asObservable();

  emit(event: PlanEvent): void {
    this.subject.next(event);
  }
}
