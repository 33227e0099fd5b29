import { HeadingLevel, Paragraph, type FileChild } from 'docx';
import { ChartRun } from 'docx/charts';
import { FONT_FAMILIES } from '../fonts';
import {
  ACTION_STATUS_LABELS,
  MILESTONE_STATUS_LABELS,
  PLAN_STATUS_LABELS,
  STAKEHOLDER_LABELS,
  formatDate,
  organisationName,
  versionLine,
  type PlanReport,
  type ReportOrganisation,
} from '../plan-report';
import { COLOURS, STYLE } from './styles';
import {
  xmlHeaderRow,
  xmlTable,
  xmlTextCell,
  type TableSlots,
  type XmlCell,
  type XmlRow,
} from './tables';
import type { Typesetter } from './text';

/** What the section builders share while one document is laid out. */
export interface Context {
  t: Typesetter;
  tables: TableSlots;
}

const DATES = new Map<string, string>();

/**
 * formatDate, remembered for the worker's life: toLocaleDateString is slow and plans repeat
 * their dates. Bounded, since a worker renders many plans.
 */
export function date(value: string | null): string {
  if (!value) return '';
  let text = DATES.get(value);
  if (text === undefined) {
    if (DATES.size >= 10_000) DATES.clear();
    text = formatDate(value);
    DATES.set(value, text);
  }
  return text;
}

/** Text widths in twips: A4 less 2 cm margins, portrait and landscape. */
export const PORTRAIT_WIDTH = 11906 - 2 * 1134;
export const LANDSCAPE_WIDTH = 16838 - 2 * 1134;

export function heading1(t: Typesetter, text: string, pageBreakBefore = false): Paragraph {
  return t.paragraph(text, {
    heading: HeadingLevel.HEADING_1,
    bold: true,
    pageBreakBefore: pageBreakBefore || undefined,
  });
}

export function heading2(t: Typesetter, text: string): Paragraph {
  return t.paragraph(text, { heading: HeadingLevel.HEADING_2, bold: true });
}

/** What an empty section says, so a reader sees it is empty rather than missing. */
export function note(t: Typesetter, text: string): Paragraph {
  return t.paragraph(text, { style: STYLE.note, italics: true });
}

export function cover({ t }: Context, report: PlanReport): FileChild[] {
  const status = PLAN_STATUS_LABELS[report.plan.status] ?? report.plan.status;
  return [
    t.paragraph(report.content.title || 'Untitled action plan', {
      heading: HeadingLevel.TITLE,
      bold: true,
    }),
    t.paragraph(report.coalition.name, {
      style: STYLE.coverLine,
      size: 32,
      color: COLOURS.heading,
    }),
    t.paragraph(versionLine(report), { style: STYLE.coverLine }),
    t.paragraph(`Status: ${status}`, { style: STYLE.coverLine }),
    t.paragraph(`Generated ${date(report.generatedAt)}`, { style: STYLE.coverLine }),
    ...(report.coalition.purpose
      ? [
          t.paragraph(report.coalition.purpose, {
            style: STYLE.note,
            italics: true,
            spacing: { before: 600 },
          }),
        ]
      : []),
  ];
}

export function recommendations({ t }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Linked recommendations', true)];
  if (report.recommendations.length === 0) {
    out.push(note(t, 'No recommendation is linked to this plan.'));
  }
  for (const recommendation of report.recommendations) {
    out.push(heading2(t, recommendation.code ?? 'Recommendation no longer in the catalogue'));
    const source = recommendation.source;
    const facts: [string, string][] = [
      ['Theme', recommendation.theme ?? '—'],
      ['Source', source ? `${source.document}, paragraph ${source.paragraph}` : '—'],
      ['SDG targets', recommendation.sdgTargets.join(', ') || '—'],
    ];
    for (const [label, value] of facts) {
      out.push(
        new Paragraph({
          spacing: { after: 40 },
          children: [...t.runs(`${label}: `, { bold: true }), ...t.runs(value)],
        }),
      );
    }
    out.push(...t.paragraphs(recommendation.text || '—', { style: STYLE.quote }));
  }
  return out;
}

export function sdgTargets({ t }: Context, report: PlanReport): FileChild[] {
  const targets = report.content.sdgTargets;
  return [
    heading1(t, 'Sustainable Development Goal targets'),
    targets.length === 0
      ? note(t, 'The plan names no SDG target.')
      : t.paragraph(`This plan contributes to SDG targets ${targets.join(', ')}.`),
  ];
}

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

function countryName(code: string): string {
  if (!code) return '—';
  try {
    return REGIONS.of(code.toUpperCase()) ?? code;
  } catch {
    // Not a region code Intl knows: show it as it is.
    return code;
  }
}

/** Member organisations by stakeholder type (organisations only, never people), and the mix. */
export function members({ t, tables }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Coalition members')];
  const organisations: ReportOrganisation[] = report.memberOrganisationIds.map(
    (id) =>
      report.organisations[id] ?? {
        id,
        name: organisationName(report, id),
        stakeholderType: 'other',
        country: '',
      },
  );
  if (organisations.length === 0) {
    out.push(note(t, 'The coalition has no member organisation.'));
    return out;
  }
  const count = organisations.length;
  out.push(
    t.paragraph(`${count} member organisation${count === 1 ? '' : 's'}, by stakeholder type.`),
  );
  out.push(stakeholderChart(t, report));

  const types = [
    ...new Set([
      ...Object.keys(STAKEHOLDER_LABELS),
      ...organisations.map((o) => o.stakeholderType),
    ]),
  ];
  const rows: XmlRow[] = [xmlHeaderRow(t, ['Organisation', 'Country'])];
  for (const type of types) {
    const group = organisations
      .filter((o) => o.stakeholderType === type)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (group.length === 0) continue;
    const label = `${STAKEHOLDER_LABELS[type] ?? type} (${group.length})`;
    rows.push({ cells: [{ ...xmlTextCell(t, label, true), span: 2, fill: COLOURS.groupFill }] });
    for (const organisation of group) {
      rows.push({
        cells: [
          xmlTextCell(t, organisation.name),
          xmlTextCell(t, countryName(organisation.country)),
        ],
      });
    }
  }
  const nameWidth = Math.round(PORTRAIT_WIDTH * 0.7);
  out.push(tables.slot(xmlTable([nameWidth, PORTRAIT_WIDTH - nameWidth], rows)));
  return out;
}

/**
 * A native Word bar chart (docx/charts): Word and LibreOffice draw it from its data, it stays
 * editable in Word, and its labels are Latin text in the embedded Noto Sans.
 */
function stakeholderChart(t: Typesetter, report: PlanReport): Paragraph {
  const types = Object.keys(STAKEHOLDER_LABELS);
  const categories = types.map((type) => STAKEHOLDER_LABELS[type]);
  const values = types.map((type) => report.stakeholderMix[type] ?? 0);
  const largest = Math.max(1, ...values);
  t.use('latin', 'regular', `${categories.join('')}Stakeholder mix`);
  return new Paragraph({
    spacing: { after: 200 },
    children: [
      new ChartRun({
        type: 'bar',
        title: { text: 'Stakeholder mix', font: { size: 11 } },
        categories,
        series: [{ name: 'Member organisations', values, color: COLOURS.accent }],
        legend: false,
        font: { name: FONT_FAMILIES.latin },
        gapWidth: 60,
        // The first type at the top, as in the table below.
        categoryAxis: { reverseOrder: true, font: { size: 8 } },
        // The bars carry their counts, so a value axis and gridlines would only add noise.
        valueAxis: {
          visible: false,
          gridlines: false,
          minimum: 0,
          maximum: Math.ceil(largest * 1.15),
        },
        dataLabels: { value: true, position: 'outsideEnd', font: { size: 8 } },
        transformation: { width: 520, height: 280 },
        altText: {
          name: 'Stakeholder mix',
          description: `Member organisations by stakeholder type: ${types
            .map((_type, i) => `${categories[i]} ${values[i]}`)
            .join(', ')}.`,
        },
      }),
    ],
  });
}

export function problemAndObjective({ t }: Context, report: PlanReport): FileChild[] {
  const { problem, baseline, objective } = report.content;
  return [
    heading1(t, 'Problem and baseline'),
    heading2(t, 'Problem'),
    ...(problem.trim()
      ? t.paragraphs(problem)
      : [note(t, 'No problem statement has been written.')]),
    heading2(t, 'Baseline'),
    ...(baseline.trim() ? t.paragraphs(baseline) : [note(t, 'No baseline has been written.')]),
    heading1(t, 'Objective'),
    ...(objective.trim() ? t.paragraphs(objective) : [note(t, 'No objective has been written.')]),
  ];
}

/** The actions table: a row per action, its milestones under its description. */
export function actions({ t, tables }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Actions')];
  const list = report.content.actions;
  if (list.length === 0) {
    out.push(note(t, 'The plan has no action yet.'));
    return out;
  }
  const rows: XmlRow[] = [
    xmlHeaderRow(t, [
      'No.',
      'Action',
      'Lead organisation',
      'Supporting organisations',
      'Start',
      'End',
      'Status',
      'Budget',
    ]),
  ];
  list.forEach((action, i) => {
    let description =
      t.xmlParagraphs(action.title || 'Untitled action', { style: STYLE.tableText, bold: true }) +
      (action.description.trim()
        ? t.xmlParagraphs(action.description, { style: STYLE.tableText })
        : '');
    for (const milestone of action.milestones) {
      const status = MILESTONE_STATUS_LABELS[milestone.status] ?? milestone.status;
      const due = milestone.due ? date(milestone.due) : 'No due date';
      // Date and status first, the title (in any script) last: a right-to-left title then sits
      // at the end of a left-to-right line instead of reordering the date around it.
      description += t.xmlParagraph(
        `${due} · ${status}: ${milestone.title}`,
        { style: STYLE.milestone },
        t.xmlSymbol('◆ ', { color: COLOURS.accent }),
      );
    }
    const supporting = action.supportingOrganisationIds.map((id) => organisationName(report, id));
    const cell: XmlCell = { content: description };
    rows.push({
      cells: [
        xmlTextCell(t, String(i + 1)),
        cell,
        xmlTextCell(t, organisationName(report, action.leadOrganisationId)),
        xmlTextCell(t, supporting.join('\n')),
        xmlTextCell(t, action.startDate ? date(action.startDate) : 'Not set'),
        xmlTextCell(t, action.endDate ? date(action.endDate) : 'Not set'),
        xmlTextCell(t, ACTION_STATUS_LABELS[action.status] ?? action.status),
        xmlTextCell(t, action.budget ?? ''),
      ],
    });
  });
  const widths = [560, 5000, 2000, 2200, 1300, 1300, 1110, 1100];
  out.push(tables.slot(xmlTable(widths, rows)));
  return out;
}

export function indicators({ t, tables }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Indicators')];
  const rows: XmlRow[] = [
    xmlHeaderRow(t, ['No.', 'Action', 'Indicator', 'Baseline', 'Target', 'Unit']),
  ];
  report.content.actions.forEach((action, i) => {
    for (const indicator of action.indicators) {
      rows.push({
        cells: [
          xmlTextCell(t, String(i + 1)),
          xmlTextCell(t, action.title),
          xmlTextCell(t, indicator.name),
          xmlTextCell(t, indicator.baseline === null ? '' : String(indicator.baseline)),
          xmlTextCell(t, indicator.target === null ? '' : String(indicator.target)),
          xmlTextCell(t, indicator.unit ?? ''),
        ],
      });
    }
  });
  if (rows.length === 1) {
    out.push(note(t, 'No action has an indicator yet.'));
    return out;
  }
  out.push(tables.slot(xmlTable([500, 2900, 2900, 1100, 1100, PORTRAIT_WIDTH - 8500], rows)));
  return out;
}

export function endorsements({ t, tables }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Endorsements')];
  if (report.endorsements.length === 0) {
    out.push(note(t, 'No organisation has endorsed this plan yet.'));
    return out;
  }
  const rows: XmlRow[] = [
    xmlHeaderRow(t, ['Organisation', 'Version endorsed', 'Endorsed on', 'Note']),
  ];
  for (const endorsement of report.endorsements) {
    const name = endorsement.versionName ? `“${endorsement.versionName}”` : '';
    const version =
      endorsement.versionNumber === null
        ? name || 'Unknown version'
        : `Version ${endorsement.versionNumber}${name ? ` ${name}` : ''}`;
    const stale: XmlCell = {
      fill: COLOURS.warningFill,
      content: t.xmlParagraph('Stale: the plan has changed since this version was endorsed.', {
        style: STYLE.tableText,
        bold: true,
        color: COLOURS.warning,
      }),
    };
    rows.push({
      cells: [
        xmlTextCell(
          t,
          endorsement.organisationName || organisationName(report, endorsement.organisationId),
        ),
        xmlTextCell(t, version),
        xmlTextCell(t, date(endorsement.endorsedAt)),
        endorsement.stale ? stale : xmlTextCell(t, 'Current'),
      ],
    });
  }
  out.push(
    tables.slot(xmlTable([3100, 2600, 1700, PORTRAIT_WIDTH - 7400], rows)),
    // Also keeps a paragraph after the document's last table, where Word expects one.
    t.paragraph('An endorsement is stale when the plan has changed since the version endorsed.', {
      style: STYLE.note,
      italics: true,
      spacing: { before: 120 },
    }),
  );
  return out;
}
