import {
  ACTION_STATUS_LABELS,
  MILESTONE_STATUS_LABELS,
  organisationName,
  type PlanReport,
} from './plan-report';

/**
 * iCalendar (RFC 5545): one all-day event per milestone with a due date and per action with a
 * date. UIDs are stable (the item's id and the plan's), so importing a newer export into a
 * calendar updates its events instead of adding copies; SEQUENCE is the plan's change number,
 * which only grows, so calendars take the newer event.
 */
export function renderIcs(report: PlanReport): string {
  const sequence = report.plan.seq;
  const { content } = report;
  const stamp = icsTimestamp(report.generatedAt);
  const modified = icsTimestamp(report.plan.editedAt ?? report.plan.createdAt);
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Accord//Action plan export//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(content.title || 'Action plan')}`,
  ];
  const event = (
    uid: string,
    start: string,
    end: string,
    summary: string,
    description: string,
    category: string,
  ) => {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${stamp}`,
      `LAST-MODIFIED:${modified}`,
      `SEQUENCE:${sequence}`,
      `DTSTART;VALUE=DATE:${icsDate(start)}`,
      `DTEND;VALUE=DATE:${icsDate(nextDay(end))}`,
      `SUMMARY:${escapeText(summary)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `CATEGORIES:${category}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  };
  for (const action of content.actions) {
    const start = action.startDate ?? action.endDate;
    const end = action.endDate && action.endDate >= (start ?? '') ? action.endDate : start;
    const lead = organisationName(report, action.leadOrganisationId);
    if (start && end) {
      event(
        `action-${action.id}.${report.plan.id}@accord`,
        start,
        end,
        action.title || 'Untitled action',
        [
          action.description,
          lead ? `Lead organisation: ${lead}` : '',
          `Status: ${ACTION_STATUS_LABELS[action.status] ?? action.status}`,
          `Action plan: ${content.title}`,
        ]
          .filter(Boolean)
          .join('\n'),
        'Action',
      );
    }
    for (const milestone of action.milestones) {
      if (!milestone.due) continue;
      event(
        `milestone-${milestone.id}.${action.id}.${report.plan.id}@accord`,
        milestone.due,
        milestone.due,
        milestone.title || 'Untitled milestone',
        [
          `Milestone of the action “${action.title}”`,
          `Status: ${MILESTONE_STATUS_LABELS[milestone.status] ?? milestone.status}`,
          `Action plan: ${content.title}`,
        ].join('\n'),
        'Milestone',
      );
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** TEXT values: backslash, semicolon and comma escaped, line breaks as \n (RFC 5545 3.3.11). */
function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n|\r/g, '\\n');
}

/** Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character. */
function fold(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // Continuation lines start with a space, which counts towards their 75 octets.
    if (bytes + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      bytes = 0;
    }
    current += char;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function icsDate(date: string): string {
  return date.replace(/-/g, '');
}

/** DTEND of an all-day event is exclusive: the day after the last day (kept within year 9999). */
function nextDay(date: string): string {
  if (date >= '9999-12-31') return '9999-12-31';
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

function icsTimestamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
