import type { AccordClient, PlanSession } from '@accord/client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import * as Y from 'yjs';

/**
 * What every part of the plan editor works with: the plan, the client and whether the person may
 * change anything (a context), reading the plan's Yjs maps and saving scalar fields into them.
 */

/** A member organisation of the coalition, to name as lead or supporter. */
export interface PlanOrganisation {
  id: string;
  name: string;
}

export interface PlanEditor {
  client: AccordClient;
  planId: string;
  session: PlanSession;
  /** The person may not change the plan now (an observer, a frozen plan, a refused change). */
  readOnly: boolean;
  organisations: PlanOrganisation[];
}

const PlanEditorContext = createContext<PlanEditor | null>(null);

/** Gives the plan editor's parts the plan, the client and whether they may change anything. */
export function PlanEditorProvider({
  value,
  children,
}: {
  value: PlanEditor;
  children: ReactNode;
}) {
  return <PlanEditorContext.Provider value={value}>{children}</PlanEditorContext.Provider>;
}

export function usePlanEditor(): PlanEditor {
  const value = useContext(PlanEditorContext);
  if (!value) throw new Error('usePlanEditor outside PlanEditorProvider');
  return value;
}

// ---- Reading the Yjs layout (libs/action-plans plan-shape.ts) ---------------------------------

/** A text field's content ('' when absent). */
export function textOf(map: Y.Map<unknown>, key: string): string {
  const value = map.get(key);
  return value instanceof Y.Text ? value.toJSON() : '';
}

export function yText(map: Y.Map<unknown>, key: string): Y.Text | null {
  const value = map.get(key);
  return value instanceof Y.Text ? value : null;
}

/** A scalar that holds text (a date, an id, a budget) or null. */
export function stringOf(map: Y.Map<unknown>, key: string): string | null {
  const value = map.get(key);
  return typeof value === 'string' ? value : null;
}

/** A measure (an indicator's baseline or target): a number, text, or null. */
export function measureOf(map: Y.Map<unknown>, key: string): string | number | null {
  const value = map.get(key);
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    ? value
    : null;
}

/** A list of plain values (organisation ids, recommendation ids, SDG targets), each once. */
export function listOf(map: Y.Map<unknown>, key: string): string[] {
  const value = map.get(key);
  if (!(value instanceof Y.Array)) return [];
  return [...new Set(value.toArray().filter((v): v is string => typeof v === 'string'))];
}

export function yList(map: Y.Map<unknown>, key: string): Y.Array<string> | null {
  const value = map.get(key);
  return value instanceof Y.Array ? (value as Y.Array<string>) : null;
}

/** The records (actions, milestones, indicators) of a records list. */
export function recordsOf(map: Y.Map<unknown>, key: string): Y.Map<unknown>[] {
  const value = map.get(key);
  if (!(value instanceof Y.Array)) return [];
  return value.toArray().filter((v): v is Y.Map<unknown> => v instanceof Y.Map);
}

/**
 * Renders the component again whenever anything inside a Yjs type changes (the person's own
 * edits and the others'), for parts memoised so the rest of the plan need not render again.
 */
export function useYjsChanges(type: Y.Map<unknown>): void {
  const [, setRevision] = useState(0);
  useEffect(() => {
    const onChange = () => setRevision((n) => n + 1);
    type.observeDeep(onChange);
    return () => type.unobserveDeep(onChange);
  }, [type]);
}

export function idOf(record: Y.Map<unknown>): string {
  return stringOf(record, 'id') ?? '';
}

/**
 * Sets scalar fields of a record live, in one transaction, those that differ only. The values
 * must be what the server's update guard accepts (a refused update stops the session saving).
 */
export function setScalars(
  record: Y.Map<unknown>,
  fields: Record<string, string | number | null>,
): void {
  const changed = Object.entries(fields).filter(([key, value]) => record.get(key) !== value);
  if (changed.length === 0 || !record.doc) return;
  record.doc.transact(() => {
    for (const [key, value] of changed) record.set(key, value);
  });
}

/**
 * Adds a value to a list of the plan, or takes it out (every copy: two people may add the same
 * at once), live. Each change is an insertion or a deletion of its own, so people choosing at
 * the same time all keep their choices. False when the list is full (`max`).
 */
export function toggleListValue(
  list: Y.Array<string>,
  value: string,
  on: boolean,
  max: number,
): boolean {
  const present = list.toArray().includes(value);
  if (on === present) return true;
  if (on && list.length >= max) return false;
  list.doc?.transact(() => {
    if (on) list.push([value]);
    else for (let i = list.length - 1; i >= 0; i--) if (list.get(i) === value) list.delete(i, 1);
  });
  return true;
}

/** An emptied field clears the value (null); anything else is kept as written. */
export function orNull(value: string): string | null {
  return value.trim() === '' ? null : value;
}

/** A measure as the person wrote it: a plain number as a number, other words as text. */
export function toMeasure(value: string): string | number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  return /^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(number) ? number : value;
}

/** The latest day a date field offers (the plan holds four-digit years). */
export const LAST_DAY = '9999-12-31';

/**
 * A date the plan can hold, YYYY-MM-DD, as the server checks it (plan-shape.ts isCalendarDate):
 * the update of anything else would be refused, and the window would stop saving.
 */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** What a date input holds: empty, a date the plan can hold, or something not (yet) a date. */
export function dateEntry(input: HTMLInputElement): { value: string; incomplete: boolean } {
  const { value } = input;
  return {
    value,
    incomplete: input.validity.badInput || (value !== '' && !isCalendarDate(value)),
  };
}
