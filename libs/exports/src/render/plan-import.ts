import {
  type ActionProjection,
  createPlanDoc,
  type PlanContent,
  problemsOfContent,
  projectPlan,
} from '@accord/action-plans';
import { AccordError, type FieldProblem } from '@accord/core';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020';
import * as Y from 'yjs';
import schema from '../../schema/action-plan-export.schema.json';
import { PLAN_EXPORT_SCHEMA_VERSION, type PlanExportDocument } from './json';

/**
 * Reading a plan's JSON export into a new plan document: the CPU-heavy part of an import (parse,
 * check, build the Yjs document, encode it), run in a render worker so a large file never stalls
 * the API's event loop. It gets the file's bytes and what it needs of the target coalition, and
 * answers the document or the problems (as data: errors do not cross threads).
 */

/** What an import does with what the target coalition lacks. */
export type UnmatchedPolicy = 'refuse' | 'drop';

export interface ImportTask {
  body: Uint8Array;
  unmatched: UnmatchedPolicy;
  /** The target coalition's recommendations and member organisations. */
  recommendations: { id: string; code: string }[];
  members: { id: string; name: string }[];
}

export interface ImportCounts {
  actions: number;
  milestones: number;
  indicators: number;
  /** Codes (or ids) of recommendations left out because the coalition does not follow them. */
  droppedRecommendations: string[];
  /** Names of organisations left out because they are not members of the coalition. */
  droppedOrganisations: string[];
}

export type ImportOutcome =
  | {
      ok: true;
      /** The new document's whole state, and the Yjs client that wrote it. */
      state: Uint8Array;
      client: number;
      content: PlanContent;
      imported: ImportCounts;
      source: { planId: string | null; coalitionId: string | null };
    }
  | { ok: false; message: string; details: FieldProblem[] };

/** At most this many problems are listed when a file is refused. */
const MAX_PROBLEMS = 50;

// The first problem only: a hostile file of millions of bad items must not make millions of
// errors. (The schema counts lengths in characters; the plan rules checked next count UTF-16
// units, as live edits do, and name any text that is over by that count.)
const validateExport = new Ajv2020({
  allErrors: false,
  strict: false,
  verbose: true,
}).compile<PlanExportDocument>(schema);

export function readPlanImport(task: ImportTask): ImportOutcome {
  try {
    return build(task);
  } catch (error) {
    if (error instanceof AccordError) {
      return {
        ok: false,
        message: error.message,
        details: (error.details as FieldProblem[]) ?? [],
      };
    }
    throw error;
  }
}

function build(task: ImportTask): ImportOutcome {
  const exported = readExport(parseBody(task.body));
  const mapped = mapToCoalition(task, exported);
  const problems = problemsOfContent(mapped.content).map((p) => ({
    field: `content.${p.field}`,
    message: p.message,
  }));
  if (!mapped.content.title.trim()) {
    problems.unshift({ field: 'content.title', message: 'must not be empty' });
  }
  if (problems.length) {
    throw AccordError.validation(
      `The plan in this file breaks ${problems.length} rule${problems.length === 1 ? '' : 's'} of action plans: ${describe(problems)}`,
      problems.slice(0, MAX_PROBLEMS),
    );
  }
  const doc = createPlanDoc(mapped.content);
  const state = Y.encodeStateAsUpdate(doc);
  const content = projectPlan(doc);
  const client = doc.clientID;
  doc.destroy();
  const actions = content.actions;
  return {
    ok: true,
    state,
    client,
    content,
    imported: {
      actions: actions.length,
      milestones: actions.reduce((n, a) => n + a.milestones.length, 0),
      indicators: actions.reduce((n, a) => n + a.indicators.length, 0),
      droppedRecommendations: mapped.droppedRecommendations,
      droppedOrganisations: mapped.droppedOrganisations,
    },
    source: {
      planId: exported.source?.plan?.id ?? null,
      coalitionId: exported.source?.coalition?.id ?? null,
    },
  };
}

/** The export's content with the coalition's own recommendation and organisation ids. */
function mapToCoalition(
  task: ImportTask,
  exported: PlanExportDocument,
): { content: PlanContent; droppedRecommendations: string[]; droppedOrganisations: string[] } {
  const problems: FieldProblem[] = [];

  const ownIds = new Set(task.recommendations.map((r) => r.id));
  const byCode = new Map(task.recommendations.map((r) => [r.code, r.id]));
  const recommendationIds: string[] = [];
  const droppedRecommendations: string[] = [];
  exported.content.recommendations.forEach((r, i) => {
    const id = ownIds.has(r.id) ? r.id : r.code ? byCode.get(r.code) : undefined;
    if (id) {
      if (!recommendationIds.includes(id)) recommendationIds.push(id);
      return;
    }
    droppedRecommendations.push(r.code ?? r.id);
    problems.push({
      field: `content.recommendations[${i}]`,
      message: `This coalition does not follow recommendation ${r.code ?? r.id}`,
    });
  });

  const memberIds = new Set(task.members.map((o) => o.id));
  const memberByName = new Map(task.members.map((o) => [nameKey(o.name), o.id]));
  const exportedNames = new Map(exported.organisations.map((o) => [o.id, o.name]));
  const droppedOrganisations = new Set<string>();
  const organisation = (id: string, field: string): string | null => {
    if (memberIds.has(id)) return id;
    const name = exportedNames.get(id);
    const match = name ? memberByName.get(nameKey(name)) : undefined;
    if (match) return match;
    droppedOrganisations.add(name ?? id);
    problems.push({
      field,
      message: `${name ? `“${name}”` : `Organisation ${id}`} is not an organisation of this coalition's members`,
    });
    return null;
  };
  const actions: ActionProjection[] = exported.content.actions.map((a, i) => ({
    ...a,
    leadOrganisationId: a.leadOrganisationId
      ? organisation(a.leadOrganisationId, `content.actions[${i}].leadOrganisationId`)
      : null,
    // Two organisations of the file may be one member organisation here: named once.
    supportingOrganisationIds: unique(
      a.supportingOrganisationIds
        .map((id, j) => organisation(id, `content.actions[${i}].supportingOrganisationIds[${j}]`))
        .filter((id): id is string => id !== null),
    ),
  }));

  if (problems.length && task.unmatched === 'refuse') {
    throw AccordError.validation(
      `The plan refers to ${[
        droppedRecommendations.length
          ? `recommendations this coalition does not follow (${list(droppedRecommendations)})`
          : '',
        droppedOrganisations.size
          ? `organisations that are not members of this coalition (${list([...droppedOrganisations])})`
          : '',
      ]
        .filter(Boolean)
        .join(
          ' and ',
        )}. Add them to the coalition first, or import with unmatched=drop to leave them out`,
      problems.slice(0, MAX_PROBLEMS),
    );
  }
  const { recommendations: _recommendations, ...rest } = exported.content;
  return {
    content: { ...rest, sdgTargets: unique(rest.sdgTargets), recommendationIds, actions },
    droppedRecommendations,
    droppedOrganisations: [...droppedOrganisations],
  };
}

/** The request body (bytes, as the import route keeps it; never empty here) as JSON. */
function parseBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(
      Buffer.from(body)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    ) as unknown;
  } catch (error) {
    throw AccordError.invalidField(
      'body',
      `The body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** The file as an export document, or VALIDATION naming what is wrong with it. */
function readExport(file: unknown): PlanExportDocument {
  const version = (file as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > PLAN_EXPORT_SCHEMA_VERSION) {
    throw AccordError.invalidField(
      'schemaVersion',
      `This file was exported by a newer Accord (format version ${version}); this server reads format version ${PLAN_EXPORT_SCHEMA_VERSION}`,
    );
  }
  if (validateExport(file)) return file;
  // The first error is the most specific (a oneOf adds its branches' and its own after it).
  const problems = (validateExport.errors ?? []).slice(0, 1).map(toProblem);
  throw AccordError.validation(
    `The file does not follow the Accord action plan export format (version ${PLAN_EXPORT_SCHEMA_VERSION}): ${describe(problems)}`,
    problems,
  );
}

function toProblem(error: ErrorObject): FieldProblem {
  const field =
    error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
      .replace(/^\./, '') || 'file';
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  if (missing)
    return { field: field === 'file' ? missing : `${field}.${missing}`, message: 'is missing' };
  if (extra)
    return {
      field: field === 'file' ? extra : `${field}.${extra}`,
      message: 'is not a field of this record',
    };
  // A pattern's own words ("a calendar date YYYY-MM-DD") rather than the regular expression.
  const described = (error.parentSchema as { description?: string } | undefined)?.description;
  if (error.keyword === 'pattern' && described) {
    return { field, message: `must be ${described.charAt(0).toLowerCase()}${described.slice(1)}` };
  }
  return { field, message: error.message ?? 'is not valid' };
}

function describe(problems: FieldProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.field} ${p.message}`);
  return shown.join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** At most five names, then how many more. */
function list(names: string[]): string {
  return names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
}

function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLocaleLowerCase();
}
