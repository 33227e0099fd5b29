import {
  AccordSocketError,
  type AccordRealtime,
  type ActionPlan,
  type PlanContent,
  type PlanSession,
} from '@accord/client';
import * as Y from 'yjs';
import type { TestUser } from './factories';

/** The live editors a test opened (closed by `closeEditors`, call it in afterEach). */
export class Editors {
  private readonly connections: AccordRealtime[] = [];
  private readonly sessions: PlanSession[] = [];

  /** A new connection of `user` with the plan open through the socket contract. */
  async open(user: TestUser, planId: string): Promise<PlanSession> {
    const session = this.session(user, planId);
    await session.open();
    return session;
  }

  /** A new connection of `user` and a session for the plan, not opened yet. */
  session(user: TestUser, planId: string, doc?: Y.Doc): PlanSession {
    const realtime = user.client.realtime({ transports: ['websocket'], reconnection: false });
    this.connections.push(realtime);
    const session = realtime.plan(planId, { doc });
    this.sessions.push(session);
    return session;
  }

  closeAll(): void {
    for (const session of this.sessions.splice(0)) session.dispose();
    for (const connection of this.connections.splice(0)) connection.close();
  }
}

/** The JSON projection of a live document, read the way the server reads it. */
export function contentOf(doc: Y.Doc): PlanContent {
  const plan = doc.getMap('plan');
  const text = (m: Y.Map<unknown>, key: string) =>
    (m.get(key) as Y.Text | undefined)?.toJSON() ?? '';
  const list = (m: Y.Map<unknown>, key: string) =>
    (m.get(key) as Y.Array<string> | undefined)?.toArray() ?? [];
  const maps = (m: Y.Map<unknown>, key: string) =>
    ((m.get(key) as Y.Array<Y.Map<unknown>> | undefined)?.toArray() ?? []).filter(
      (x) => x instanceof Y.Map,
    );
  const value = <T>(m: Y.Map<unknown>, key: string, fallback: T) =>
    (m.get(key) === undefined ? fallback : m.get(key)) as T;
  return {
    title: text(plan, 'title'),
    problem: text(plan, 'problem'),
    baseline: text(plan, 'baseline'),
    objective: text(plan, 'objective'),
    recommendationIds: list(plan, 'recommendationIds'),
    sdgTargets: list(plan, 'sdgTargets'),
    actions: maps(plan, 'actions').map((a) => ({
      id: value(a, 'id', ''),
      title: text(a, 'title'),
      description: text(a, 'description'),
      leadOrganisationId: value(a, 'leadOrganisationId', null),
      supportingOrganisationIds: list(a, 'supportingOrganisationIds'),
      startDate: value(a, 'startDate', null),
      endDate: value(a, 'endDate', null),
      status: value(a, 'status', 'not_started'),
      budget: value(a, 'budget', null),
      milestones: maps(a, 'milestones').map((m) => ({
        id: value(m, 'id', ''),
        title: text(m, 'title'),
        due: value(m, 'due', null),
        status: value(m, 'status', 'not_started'),
      })),
      indicators: maps(a, 'indicators').map((i) => ({
        id: value(i, 'id', ''),
        name: text(i, 'name'),
        baseline: value(i, 'baseline', null),
        target: value(i, 'target', null),
        unit: value(i, 'unit', null),
      })),
    })),
  };
}

/** The content part of a REST plan view. */
export function contentOfView(plan: ActionPlan): PlanContent {
  const { title, problem, baseline, objective, recommendationIds, sdgTargets, actions } = plan;
  return { title, problem, baseline, objective, recommendationIds, sdgTargets, actions };
}

/** Resolves once `condition` holds (checked on every change of the document), or rejects. */
export function until(doc: Y.Doc, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      doc.off('update', check);
      resolve();
    };
    const timer = setTimeout(() => {
      doc.off('update', check);
      reject(new Error(`condition not reached within ${timeoutMs} ms`));
    }, timeoutMs);
    doc.on('update', check);
  });
}

export const text = (map: Y.Map<unknown>, key: string): Y.Text => map.get(key) as Y.Text;
export const actionsOf = (plan: Y.Map<unknown>): Y.Array<Y.Map<unknown>> =>
  plan.get('actions') as Y.Array<Y.Map<unknown>>;

/** The refusal of a socket request that must be refused. */
export async function socketError(promise: Promise<unknown>): Promise<AccordSocketError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordSocketError) return error;
    throw error;
  }
  throw new Error('expected the event to be refused');
}
