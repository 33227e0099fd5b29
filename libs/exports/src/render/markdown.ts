import {
  ACTION_STATUS_LABELS,
  formatDate,
  MILESTONE_STATUS_LABELS,
  organisationName,
  PLAN_STATUS_LABELS,
  type PlanReport,
  STAKEHOLDER_LABELS,
  versionLine,
} from './plan-report';

/**
 * Markdown readable on its own (as plain text, or rendered): the same sections as the PDF, the
 * actions as a summary table and then one section each. Users' text is escaped, so a title
 * cannot become a heading, a link or HTML.
 */
export function renderMarkdown(report: PlanReport): string {
  const { content } = report;
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  /** A block followed by a blank line. */
  const paragraph = (text: string) => {
    line(text);
    line();
  };

  line(`# ${inline(content.title) || 'Untitled action plan'}`);
  line();
  line(`- **Coalition:** ${inline(report.coalition.name)}`);
  line(`- **Version:** ${inline(versionLine(report))}`);
  line(`- **Status:** ${PLAN_STATUS_LABELS[report.plan.status] ?? report.plan.status}`);
  line(`- **Exported:** ${formatDate(report.generatedAt)}`);
  line();

  line('## Recommendations');
  line();
  if (report.recommendations.length === 0) line('No recommendations linked.');
  for (const r of report.recommendations) {
    const source = r.source
      ? ` (${inline(r.source.document)} ¶ ${inline(r.source.paragraph)})`
      : '';
    line(`### ${inline(r.code ?? 'Unknown recommendation')}${source}`);
    line();
    if (r.theme) paragraph(`*Theme:* ${inline(r.theme)}`);
    line(block(r.text));
    line();
    if (r.sdgTargets.length) paragraph(`*SDG targets:* ${r.sdgTargets.join(', ')}`);
  }

  line('## SDG targets');
  line();
  line(content.sdgTargets.length ? content.sdgTargets.join(', ') : 'None named.');
  line();

  line('## Coalition members');
  line();
  const byType = membersByType(report);
  if (byType.length === 0) line('No member organisations.');
  for (const [type, names] of byType) {
    line(`- **${STAKEHOLDER_LABELS[type] ?? type} (${names.length}):** ${names.join('; ')}`);
  }
  line();

  line('## Problem and baseline');
  line();
  line(block(content.problem) || '*Not written yet.*');
  line();
  if (content.baseline) paragraph(`**Baseline.** ${block(content.baseline)}`);

  line('## Objective');
  line();
  line(block(content.objective) || '*Not written yet.*');
  line();

  line('## Actions');
  line();
  if (content.actions.length === 0) {
    line('No actions yet.');
    line();
  } else {
    line('| # | Action | Lead | Start | End | Status |');
    line('|---|---|---|---|---|---|');
    content.actions.forEach((a, i) => {
      line(
        `| ${i + 1} | ${inline(a.title)} | ${inline(organisationName(report, a.leadOrganisationId))} | ${a.startDate ?? ''} | ${a.endDate ?? ''} | ${ACTION_STATUS_LABELS[a.status] ?? a.status} |`,
      );
    });
    line();
  }
  content.actions.forEach((a, i) => {
    line(`### ${i + 1}. ${inline(a.title) || 'Untitled action'}`);
    line();
    if (a.description) paragraph(block(a.description));
    line(
      `- **Lead organisation:** ${inline(organisationName(report, a.leadOrganisationId)) || '—'}`,
    );
    const supporting = a.supportingOrganisationIds.map((id) =>
      inline(organisationName(report, id)),
    );
    line(`- **Supporting organisations:** ${supporting.join('; ') || '—'}`);
    line(`- **Dates:** ${dateRange(a.startDate, a.endDate)}`);
    line(`- **Status:** ${ACTION_STATUS_LABELS[a.status] ?? a.status}`);
    if (a.budget) line(`- **Budget:** ${inline(a.budget)}`);
    if (a.milestones.length) {
      line('- **Milestones:**');
      for (const m of a.milestones) {
        const due = m.due ? `due ${m.due}` : 'no due date';
        line(
          `  - ${inline(m.title) || 'Untitled milestone'} (${due}, ${MILESTONE_STATUS_LABELS[m.status] ?? m.status})`,
        );
      }
    }
    if (a.indicators.length) {
      line('- **Indicators:**');
      for (const ind of a.indicators) line(`  - ${indicatorLine(ind)}`);
    }
    line();
  });

  line('## Indicators');
  line();
  const indicators = content.actions.flatMap((a) => a.indicators.map((ind) => [a, ind] as const));
  if (indicators.length === 0) line('No indicators yet.');
  else {
    line('| Action | Indicator | Baseline | Target | Unit |');
    line('|---|---|---|---|---|');
    for (const [a, ind] of indicators) {
      line(
        `| ${inline(a.title)} | ${inline(ind.name)} | ${inline(String(ind.baseline ?? ''))} | ${inline(String(ind.target ?? ''))} | ${inline(ind.unit ?? '')} |`,
      );
    }
  }
  line();

  line('## Endorsements');
  line();
  if (report.endorsements.length === 0) line('No endorsements yet.');
  for (const e of report.endorsements) {
    const version =
      e.versionNumber !== null
        ? `version ${e.versionNumber} “${inline(e.versionName ?? '')}”`
        : 'a version';
    const stale = e.stale ? ' — *the plan has changed since*' : '';
    line(
      `- **${inline(e.organisationName)}** endorsed ${version} on ${formatDate(e.endorsedAt)}${stale}`,
    );
  }
  line();
  return out.join('\n');
}

/** The member organisations' names (with countries) grouped by stakeholder type. */
export function membersByType(report: PlanReport): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const id of report.memberOrganisationIds) {
    const organisation = report.organisations[id];
    if (!organisation) continue;
    const names = groups.get(organisation.stakeholderType) ?? [];
    names.push(`${inline(organisation.name)} (${organisation.country})`);
    groups.set(organisation.stakeholderType, names);
  }
  return Object.keys(STAKEHOLDER_LABELS)
    .filter((type) => groups.has(type))
    .map((type) => [type, groups.get(type) ?? []]);
}

function indicatorLine(
  ind: PlanReport['content']['actions'][number]['indicators'][number],
): string {
  const unit = ind.unit ? ` ${inline(ind.unit)}` : '';
  return `${inline(ind.name) || 'Untitled indicator'}: baseline ${inline(String(ind.baseline ?? '—'))}, target ${inline(String(ind.target ?? '—'))}${unit}`;
}

function dateRange(start: string | null, end: string | null): string {
  if (!start && !end) return 'not dated';
  return `${start ?? '…'} to ${end ?? '…'}`;
}

const SPECIAL = /[\\`*_{}[\]()<>#+!|~]/g;
/** Every line ending CommonMark knows, and the Unicode line and paragraph separators. */
const LINE_BREAK = /\r\n?|\n|\u2028|\u2029/;

/** One line of users' text: markup characters escaped, line breaks as spaces. */
function inline(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((l) => l.trim())
    .join(' ')
    .replace(SPECIAL, '\\$&');
}

/**
 * A paragraph of users' text: markup escaped, its own line breaks kept. A line starting with
 * - or = (a list item, a thematic break, a heading underline) or a number and a dot (an ordered
 * list) has that character escaped (`)` always is).
 */
function block(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((l) =>
      l
        .replace(SPECIAL, '\\$&')
        .replace(/^(\s*)([-=])/, '$1\\$2')
        .replace(/^(\s*\d+)\./, '$1\\.'),
    )
    .join('  \n');
}
