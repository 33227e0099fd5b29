import PDFDocument from 'pdfkit';
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
} from './plan-report';
import { COLORS, Flow, PAGE, STYLES } from './pdf/flow';
import { CELL_STYLE, columnWidths, drawTable, type CellPart, type Row } from './pdf/table';
import { TextEngine, type TextStyle } from './pdf/text-layout';
import { drawTimeline } from './pdf/timeline';

/**
 * The action plan as a PDF, laid out like an Open Government Partnership commitment: cover,
 * recommendations addressed, SDG targets, coalition members, problem and baseline, objective,
 * actions, timeline, indicators, endorsements. A4 portrait, Noto fonts embedded (subsets).
 *
 * Runs in a render worker: imports only files of this folder and npm packages.
 */
export async function renderPdf(report: PlanReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    // Footers ("Page X of Y") are drawn once the page count is known.
    bufferPages: true,
    // No default Helvetica: every glyph comes from the embedded Noto faces.
    font: '',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: report.content.title || 'Action plan',
      Author: report.coalition.name,
      Subject: 'Action plan',
      Creator: 'Accord',
      CreationDate: new Date(report.generatedAt),
      ModDate: new Date(report.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const text = new TextEngine(doc);
  const flow = new Flow(doc, text);
  doc.addPage();

  cover(flow, report);
  flow.newPage();
  recommendations(flow, report);
  sdgTargets(flow, report);
  members(flow, report);
  problemAndBaseline(flow, report);
  objective(flow, report);
  actions(flow, report);
  timeline(flow, report);
  indicators(flow, report);
  endorsements(flow, report);
  footers(flow, report);

  doc.end();
  return finished;
}

const SECTIONS = [
  'Recommendations addressed',
  'Sustainable Development Goal targets',
  'Coalition members',
  'Problem and baseline',
  'Objective',
  'Actions',
  'Timeline',
  'Indicators',
  'Endorsements',
] as const;

function heading(flow: Flow, section: (typeof SECTIONS)[number], keep?: number): void {
  flow.heading(`${SECTIONS.indexOf(section) + 1}. ${section}`, keep);
}

function empty(flow: Flow, message: string): void {
  flow.paragraph(message, { ...STYLES.body, color: COLORS.muted });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "1 Jan 2027" for the dense parts (tables), with no-break spaces so a date never wraps inside.
 * Formatted by hand: toLocaleDateString builds a formatter per call, which showed at the top of
 * the 500-action profile.
 */
function shortDate(value: string | null): string {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.getUTCDate()}\u00a0${MONTHS[date.getUTCMonth()]}\u00a0${date.getUTCFullYear()}`;
}

function dateRange(start: string | null, end: string | null): string {
  if (start && end) return `${shortDate(start)} – ${shortDate(end)}`;
  if (start) return `From ${shortDate(start)} (no end date)`;
  if (end) return `Until ${shortDate(end)} (no start date)`;
  return 'Not scheduled';
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string): string {
  try {
    const name = regionNames.of(code.toUpperCase());
    return name && name !== code.toUpperCase() ? `${name} (${code.toUpperCase()})` : code;
  } catch {
    return code;
  }
}

function cover(flow: Flow, report: PlanReport): void {
  const { doc, text } = flow;
  doc.rect(0, 0, PAGE.width, 10).fill(COLORS.accent);
  const x = flow.left + 20;
  const width = flow.width - 20;
  flow.y = 150;
  const put = (value: string, style: TextStyle, after: number) => {
    const block = text.layout(value, style, width);
    flow.y += text.draw(block, x, flow.y, width) + after;
  };
  put('ACTION PLAN', { size: 9, weight: 'bold', color: COLORS.accent }, 8);
  put(
    report.content.title || 'Untitled action plan',
    {
      size: 24,
      weight: 'bold',
      color: COLORS.text,
      leading: 1.25,
    },
    14,
  );
  put(report.coalition.name, { size: 14, color: COLORS.accent }, 22);
  put(versionLine(report), { size: 10.5, color: COLORS.text }, 10);

  // Status as a pill.
  const status = PLAN_STATUS_LABELS[report.plan.status] ?? report.plan.status;
  const pill = text.layout(
    `Status: ${status}`,
    { size: 9, weight: 'bold', color: COLORS.accent },
    width,
  );
  doc.roundedRect(x, flow.y, pill.width + 16, pill.height + 6, 4).fill(COLORS.accentLight);
  text.draw(pill, x + 8, flow.y + 3, pill.width + 1, 'left');
  flow.y += pill.height + 16;

  put(`Generated ${formatDate(report.generatedAt)}`, { size: 9.5, color: COLORS.muted }, 4);
  doc.rect(flow.left, 150, 4, flow.y - 150).fill(COLORS.accent);
  if (report.coalition.purpose) {
    flow.y = Math.max(flow.y + 30, 430);
    put('Coalition purpose', STYLES.label, 3);
    put(report.coalition.purpose, { size: 10, color: COLORS.text }, 0);
  }
}

function recommendations(flow: Flow, report: PlanReport): void {
  heading(flow, 'Recommendations addressed');
  if (report.recommendations.length === 0) {
    empty(flow, 'No linked recommendations yet.');
    return;
  }
  const { doc, text } = flow;
  const indent = 10;
  const width = flow.width - indent;
  for (const recommendation of report.recommendations) {
    const title = text.layout(
      recommendation.code ?? 'Recommendation no longer in the catalogue',
      { size: 10.5, weight: 'bold', color: COLORS.accent },
      width,
    );
    const meta = [
      recommendation.theme ? `Theme: ${recommendation.theme}` : null,
      recommendation.source
        ? `Source: ${recommendation.source.document}, paragraph ${recommendation.source.paragraph}`
        : null,
    ]
      .filter(Boolean)
      .join('   ·   ');
    const metaBlock = meta ? text.layout(meta, STYLES.small, width) : null;
    const body = text.layout(recommendation.text || '(No text)', STYLES.body, width);
    const sdg = text.layout(
      `SDG targets: ${recommendation.sdgTargets.length > 0 ? recommendation.sdgTargets.join(', ') : 'none'}`,
      STYLES.small,
      width,
    );
    const total = title.height + (metaBlock?.height ?? 0) + body.height + sdg.height + 6;
    // Keep a recommendation on one page when it fits on one.
    if (total < flow.bottom - PAGE.top) flow.ensure(total);
    const top = flow.y;
    const page = doc.bufferedPageRange().count;
    flow.block(title, flow.left + indent, width);
    if (metaBlock) flow.block(metaBlock, flow.left + indent, width);
    flow.y += 2;
    flow.block(body, flow.left + indent, width);
    flow.block(sdg, flow.left + indent, width);
    if (doc.bufferedPageRange().count === page) {
      doc.rect(flow.left, top + 2, 2.5, flow.y - top - 4).fill(COLORS.accent);
    }
    flow.gap(10);
  }
}

function sdgTargets(flow: Flow, report: PlanReport): void {
  heading(flow, 'Sustainable Development Goal targets', 30);
  const targets = report.content.sdgTargets;
  if (targets.length === 0) {
    empty(flow, 'No SDG targets yet.');
    return;
  }
  flow.paragraph('The plan contributes to these targets of the 2030 Agenda:', STYLES.body, {
    after: 6,
  });
  const { doc, text } = flow;
  let x = flow.left;
  const style: TextStyle = { size: 9, weight: 'bold', color: COLORS.accent };
  for (const target of targets) {
    const chip = text.layout(`Target ${target}`, style, flow.width);
    const chipWidth = chip.width + 14;
    if (x + chipWidth > flow.left + flow.width) {
      x = flow.left;
      flow.y += chip.height + 10;
    }
    flow.ensure(chip.height + 6);
    doc.roundedRect(x, flow.y, chipWidth, chip.height + 4, 4).fill(COLORS.accentLight);
    text.draw(chip, x + 7, flow.y + 2, chip.width + 1, 'left');
    x += chipWidth + 6;
  }
  flow.y += 24;
}

function members(flow: Flow, report: PlanReport): void {
  heading(flow, 'Coalition members', 160);
  const organisations = report.memberOrganisationIds
    .map((id) => report.organisations[id])
    .filter((organisation): organisation is ReportOrganisation => organisation !== undefined);
  if (organisations.length === 0) {
    empty(flow, 'No member organisations yet.');
  } else {
    flow.paragraph(
      `${organisations.length} member ${organisations.length === 1 ? 'organisation' : 'organisations'}, by stakeholder type. Only organisations are listed, never people.`,
    );
  }
  stakeholderChart(flow, report);
  if (organisations.length === 0) return;

  const { text } = flow;
  const types = [
    ...Object.keys(STAKEHOLDER_LABELS),
    ...new Set(organisations.map((o) => o.stakeholderType)),
  ].filter((type, i, all) => all.indexOf(type) === i);
  const nameWidth = flow.width * 0.62;
  const countryX = flow.left + nameWidth + 16;
  const countryWidth = flow.left + flow.width - countryX;
  for (const type of types) {
    const group = organisations.filter((o) => o.stakeholderType === type);
    if (group.length === 0) continue;
    flow.gap(4);
    flow.subheading(`${STAKEHOLDER_LABELS[type] ?? type} (${group.length})`);
    for (const organisation of group) {
      const name = text.layout(organisation.name, STYLES.body, nameWidth - 12);
      const country = text.layout(countryName(organisation.country), STYLES.small, countryWidth);
      flow.ensure(Math.max(name.height, country.height));
      const top = flow.y;
      text.draw(name, flow.left + 12, top, nameWidth - 12);
      text.draw(country, countryX, top + 1.5, countryWidth);
      // The bullet on the side the name starts from.
      const bulletX = name.lines[0]?.rtl ? flow.left + nameWidth + 5 : flow.left + 5;
      flow.doc.circle(bulletX, top + name.lineHeight / 2, 1.6).fill(COLORS.accent);
      flow.y = top + Math.max(name.height, country.height) + 2;
    }
  }
}

/** Horizontal bars, one per stakeholder type, labelled with the type and its count. */
function stakeholderChart(flow: Flow, report: PlanReport): void {
  const { doc, text } = flow;
  const types = [
    ...Object.keys(STAKEHOLDER_LABELS),
    ...Object.keys(report.stakeholderMix).filter((type) => !(type in STAKEHOLDER_LABELS)),
  ];
  const counts = types.map((type) => report.stakeholderMix[type] ?? 0);
  const max = Math.max(1, ...counts);
  const row = 14;
  const labelWidth = 170;
  const barX = flow.left + labelWidth + 8;
  const barWidth = flow.width - labelWidth - 60;
  flow.gap(4);
  flow.subheading('Stakeholder mix', types.length * row + 10);
  const top = flow.y;
  const style: TextStyle = { size: 8.5, color: COLORS.text, leading: 1.3 };
  types.forEach((type, i) => {
    const y = top + i * row;
    const label = text.layout(STAKEHOLDER_LABELS[type] ?? type, style, labelWidth);
    text.draw(label, flow.left, y + 1, labelWidth, 'right');
    const width = (counts[i] / max) * barWidth;
    doc.rect(barX, y + 2, barWidth, row - 4).fill(COLORS.faint);
    if (counts[i] > 0) doc.rect(barX, y + 2, width, row - 4).fill(COLORS.accent);
    const count = text.layout(String(counts[i]), { ...style, weight: 'bold' }, 50);
    text.draw(count, barX + Math.max(width, 0) + 5, y + 1, 50, 'left');
  });
  doc
    .moveTo(barX, top)
    .lineTo(barX, top + types.length * row)
    .lineWidth(0.6)
    .strokeColor(COLORS.muted)
    .stroke();
  flow.y = top + types.length * row + 8;
}

function problemAndBaseline(flow: Flow, report: PlanReport): void {
  heading(flow, 'Problem and baseline');
  flow.subheading('Problem');
  if (report.content.problem.trim())
    flow.paragraph(report.content.problem, STYLES.body, { after: 8 });
  else empty(flow, 'No problem statement yet.');
  flow.subheading('Baseline');
  if (report.content.baseline.trim()) flow.paragraph(report.content.baseline);
  else empty(flow, 'No baseline yet.');
}

function objective(flow: Flow, report: PlanReport): void {
  heading(flow, 'Objective', 30);
  if (report.content.objective.trim()) flow.paragraph(report.content.objective);
  else empty(flow, 'No objective yet.');
}

function actions(flow: Flow, report: PlanReport): void {
  heading(flow, 'Actions', 80);
  const list = report.content.actions;
  if (list.length === 0) {
    empty(flow, 'No actions yet.');
    return;
  }
  const widths = columnWidths(flow.width, [24, 160, 74, 78, 58, 50, 50]);
  const headers = ['#', 'Action', 'Lead', 'Supporting', 'Dates', 'Status', 'Budget'];
  const columns = headers.map((header, i) => ({ header, width: widths[i] }));
  const bold: TextStyle = { ...CELL_STYLE, weight: 'bold' };
  const muted: TextStyle = { ...CELL_STYLE, color: COLORS.muted };
  const milestoneStyle: TextStyle = {
    ...CELL_STYLE,
    size: 7,
    color: COLORS.muted,
    direction: 'ltr',
  };
  function* rows(): Generator<Row> {
    for (let i = 0; i < list.length; i++) {
      const action = list[i];
      const title: CellPart[] = [{ text: action.title || 'Untitled action', style: bold }];
      if (action.description.trim()) title.push({ text: action.description });
      for (const milestone of action.milestones) {
        const due = milestone.due ? `due ${shortDate(milestone.due)}` : 'no due date';
        const status = MILESTONE_STATUS_LABELS[milestone.status] ?? milestone.status;
        title.push({
          text: `Milestone: ${milestone.title} (${due}, ${status.toLowerCase()})`,
          style: milestoneStyle,
        });
      }
      const supporting = action.supportingOrganisationIds.map((id) => ({
        text: organisationName(report, id),
      }));
      yield [
        [{ text: String(i + 1), style: muted }],
        title,
        [
          action.leadOrganisationId
            ? { text: organisationName(report, action.leadOrganisationId) }
            : { text: 'Not set', style: muted },
        ],
        supporting.length > 0 ? supporting : [{ text: 'None', style: muted }],
        [{ text: dateRange(action.startDate, action.endDate) }],
        [{ text: ACTION_STATUS_LABELS[action.status] ?? action.status }],
        [action.budget ? { text: action.budget } : { text: 'Not set', style: muted }],
      ];
    }
  }
  drawTable(flow, columns, rows());
}

function timeline(flow: Flow, report: PlanReport): void {
  // The chart wants a page of its own more than a few rows under the table.
  if (flow.remaining < 260) flow.newPage();
  heading(flow, 'Timeline', 120);
  drawTimeline(flow, report.content.actions);
}

function indicators(flow: Flow, report: PlanReport): void {
  heading(flow, 'Indicators', 60);
  const list = report.content.actions.flatMap((action, i) =>
    action.indicators.map((indicator) => ({ action, number: i + 1, indicator })),
  );
  if (list.length === 0) {
    empty(flow, 'No indicators yet.');
    return;
  }
  const widths = columnWidths(flow.width, [24, 160, 150, 52, 52, 56]);
  const headers = ['#', 'Action', 'Indicator', 'Baseline', 'Target', 'Unit'];
  const columns = headers.map((header, i) => ({ header, width: widths[i] }));
  const muted: TextStyle = { ...CELL_STYLE, color: COLORS.muted };
  const value = (v: string | number | null): CellPart =>
    v === null || v === '' ? { text: '—', style: muted } : { text: String(v) };
  function* rows(): Generator<Row> {
    for (const { action, number, indicator } of list) {
      yield [
        [{ text: String(number), style: muted }],
        [{ text: action.title || 'Untitled action' }],
        [{ text: indicator.name }],
        [value(indicator.baseline)],
        [value(indicator.target)],
        [value(indicator.unit)],
      ];
    }
  }
  drawTable(flow, columns, rows());
}

function endorsements(flow: Flow, report: PlanReport): void {
  heading(flow, 'Endorsements', 60);
  const list = report.endorsements;
  if (list.length === 0) {
    empty(flow, 'No endorsements yet.');
    return;
  }
  const stale = list.filter((e) => e.stale).length;
  flow.paragraph(
    stale > 0
      ? `${list.length} ${list.length === 1 ? 'organisation has' : 'organisations have'} endorsed the plan. ${stale} ${stale === 1 ? 'endorsement is' : 'endorsements are'} stale: the plan has changed since the endorsed version.`
      : `${list.length} ${list.length === 1 ? 'organisation has' : 'organisations have'} endorsed the plan.`,
    STYLES.body,
    { after: 8 },
  );
  const widths = columnWidths(flow.width, [165, 130, 80, 120]);
  const headers = ['Organisation', 'Version endorsed', 'Endorsed on', 'Note'];
  const columns = headers.map((header, i) => ({ header, width: widths[i] }));
  const warning: TextStyle = { ...CELL_STYLE, weight: 'bold', color: COLORS.warning };
  const muted: TextStyle = { ...CELL_STYLE, color: COLORS.muted };
  const rows: Row[] = list.map((endorsement) => {
    const version =
      endorsement.versionNumber !== null
        ? `Version ${endorsement.versionNumber}${endorsement.versionName ? ` “${endorsement.versionName}”` : ''}`
        : endorsement.versionName || 'Unnamed version';
    return [
      [{ text: endorsement.organisationName }],
      [{ text: version, style: { ...CELL_STYLE, direction: 'ltr' } }],
      [{ text: formatDate(endorsement.endorsedAt) }],
      [
        endorsement.stale
          ? { text: 'Stale: the plan has changed since this version', style: warning }
          : { text: 'Current', style: muted },
      ],
    ];
  });
  drawTable(flow, columns, rows);
}

/** "Page X of Y" and the plan's title on every page, drawn once the page count is known. */
function footers(flow: Flow, report: PlanReport): void {
  const { doc, text } = flow;
  const { start, count } = doc.bufferedPageRange();
  const style: TextStyle = { size: 7.5, color: COLORS.muted, leading: 1.2 };
  const top = PAGE.height - PAGE.bottom + 22;
  const title = text.singleLine(report.content.title || 'Action plan', style, flow.width - 120);
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    doc
      .moveTo(flow.left, top - 5)
      .lineTo(flow.left + flow.width, top - 5)
      .lineWidth(0.4)
      .strokeColor(COLORS.rule)
      .stroke();
    text.draw(title, flow.left, top, flow.width - 120, 'left');
    const number = text.layout(`Page ${i + 1} of ${count}`, style, 120);
    text.draw(number, flow.left + flow.width - 120, top, 120, 'right');
  }
}
