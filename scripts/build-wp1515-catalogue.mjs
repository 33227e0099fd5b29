#!/usr/bin/env node
// Builds the recommendation catalogue for Wilton Park report WP1515 ("The future of human
// rights in a multi-polar world", 2017) from the plain text extracted from its PDF.
//
//   node scripts/build-wp1515-catalogue.mjs ../shared/source/wp1515-report.txt > data/recommendations/wp1515.json
//
// Plain Node 20 ESM, no dependencies, deterministic: the same input always gives the same bytes.
// The script reads the structure from the text (section titles, "Recommendations" headings,
// numbered paragraphs) and fails loudly when the text does not look the way this catalogue
// expects, instead of writing a silently wrong file.
//
// What it does with the PDF extraction:
// - drops page footers ("Page 3 of 10"), also where one sits at the end of a text line;
// - drops lines holding only bullet markers (the extraction sometimes puts them apart);
// - drops pull quotes the layout put between paragraphs: a line that is only a ‘…’ quote, and a
//   ‘…’ quote at the end of a line whose words are repeated elsewhere in the report;
// - joins the remaining lines with single spaces, so a paragraph broken by a page runs on;
// - cuts each numbered paragraph from its "N. " up to the next numbered paragraph or heading;
// - writes each bullet (a private-use character such as U+F0B7) as a new line "- ...".
//
// The SDG targets and tags are an editorial reading of each paragraph, kept in CURATION below;
// targets are given only where the paragraph names the subject of the target.

import { readFileSync } from 'node:fs';

const DOCUMENT = 'Wilton Park WP1515 (2017)';
const TITLE = 'The future of human rights in a multi-polar world';

// The report's sections, in order, with their titles exactly as the report words them. In the text
// each title begins a line (after the part heading "Key themes" for the first one).
const SECTION_TITLES = [
  'Countering populism and anti-rights discourse',
  'The role of emerging democracies',
  'Human rights engagement and protection in the UN and regional systems',
  'Inequality as a threat to human rights: rights-based development and the human rights component of SDGs',
  'The role of business in advancing human rights',
  'Human rights and new technologies: protecting freedoms of information, expression and assembly online',
  'Corruption as a threat to human rights',
  'Strengthening Human Rights Defenders and civil society space',
];

// Headings that are not section titles but still end the paragraph before them: the two
// sub-headings of the UN section and the conclusion.
const OTHER_HEADINGS = [
  'Human Rights Council (HRC) and Treaty Bodies',
  'The UN system',
  'Conclusion',
];

// The paragraphs that stand under a "Recommendations" heading (issue's list); the script derives
// the same set from the text and stops if the two differ.
const EXPECTED = [
  [6, 10],
  [14, 16],
  [20, 26],
  [30, 32],
  [39, 44],
  [49, 56],
  [69, 72],
  [75, 80],
  [86, 91],
].flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));

// Bullets whose markers the extraction lost: paragraph 86 runs over a page break, and its last two
// points (on the next page) came out as plain sentences, the way the three markers of paragraph
// 62's points on page 7 came out on a line of their own. Each phrase below starts a bullet.
const RESTORED_BULLETS = {
  86: ['Identify opportunities to build consensus', 'Reform the NGO Committee in New York'],
};

// SDG targets, only where the paragraph itself names the target's subject (the words that justify
// each are in the comment), and a few short tags.
//   10 -> 4.7 "Human rights education" (4.7: education for ... human rights)
//   39 -> 10.3 "to combat inequality" (10.3: reduce inequalities of outcome)
//   40 -> 16.4 "attend to illicit financial flows"; 17.1 "generate revenue through more efficient taxation"
//   42 -> 17.17 "partnerships between civil society, states and business"
//   43 -> 16.6 "Enhance accountability mechanisms: structures ... at national, regional and international level"
//   55 -> 17.17 "coalitions that include states, civil society and companies"
//   71 -> 16.10 "safeguards against censorship online" (16.10: public access to information, fundamental freedoms)
//   75, 76 -> 16.5 "corruption"
//   77 -> 16.6 "put in place robust institutions to ensure accountability"
//   79 -> 16.4 "monitoring illicit financial flows"
const CURATION = {
  6: { sdgTargets: [], tags: ['narrative', 'communication', 'populism'] },
  7: { sdgTargets: [], tags: ['narrative', 'democracy', 'rule-of-law'] },
  8: { sdgTargets: [], tags: ['narrative', 'communication', 'public-awareness'] },
  9: { sdgTargets: [], tags: ['narrative', 'civil-society', 'universality'] },
  10: { sdgTargets: ['4.7'], tags: ['education', 'narrative'] },
  14: { sdgTargets: [], tags: ['democracy', 'emerging-democracies', 'peer-learning'] },
  15: { sdgTargets: [], tags: ['ngo', 'capacity-building', 'emerging-democracies'] },
  16: { sdgTargets: [], tags: ['funding', 'emerging-democracies'] },
  20: { sdgTargets: [], tags: ['un-system', 'hrc', 'good-practice'] },
  21: { sdgTargets: [], tags: ['un-system', 'hrc', 'leadership'] },
  22: { sdgTargets: [], tags: ['un-system', 'hrc', 'civil-society'] },
  23: { sdgTargets: [], tags: ['un-system', 'treaty-bodies', 'complaints'] },
  24: { sdgTargets: [], tags: ['un-system', 'upr', 'implementation'] },
  25: { sdgTargets: [], tags: ['un-system', 'special-procedures', 'impact'] },
  26: { sdgTargets: [], tags: ['un-system', 'cities'] },
  30: { sdgTargets: [], tags: ['un-system', 'regional-organisations', 'cooperation'] },
  31: { sdgTargets: [], tags: ['norms', 'public-awareness'] },
  32: { sdgTargets: [], tags: ['un-system', 'security-council', 'sanctions'] },
  39: { sdgTargets: ['10.3'], tags: ['escr', 'inequality'] },
  40: {
    sdgTargets: ['16.4', '17.1'],
    tags: ['taxation', 'illicit-financial-flows', 'development'],
  },
  41: { sdgTargets: [], tags: ['narrative', 'development', 'public-information'] },
  42: { sdgTargets: ['17.17'], tags: ['partnerships', 'business', 'civil-society'] },
  43: { sdgTargets: ['16.6'], tags: ['accountability', 'escr'] },
  44: { sdgTargets: [], tags: ['emerging-economies', 'donors', 'funding'] },
  49: { sdgTargets: [], tags: ['business', 'supply-chains', 'treaty'] },
  50: { sdgTargets: [], tags: ['business', 'national-action-plans', 'standards'] },
  51: { sdgTargets: [], tags: ['business', 'hrd'] },
  52: { sdgTargets: [], tags: ['business', 'accountability', 'remedy'] },
  53: { sdgTargets: [], tags: ['business', 'transparency', 'due-diligence'] },
  54: { sdgTargets: [], tags: ['leadership', 'governments'] },
  55: { sdgTargets: ['17.17'], tags: ['coalitions', 'business', 'civil-society'] },
  56: { sdgTargets: [], tags: ['business', 'civil-society', 'civic-space'] },
  69: { sdgTargets: [], tags: ['digital', 'business'] },
  70: { sdgTargets: [], tags: ['digital', 'regulation'] },
  71: { sdgTargets: ['16.10'], tags: ['digital', 'censorship', 'un-system'] },
  72: { sdgTargets: [], tags: ['digital', 'algorithms', 'data', 'legislation'] },
  75: { sdgTargets: ['16.5'], tags: ['corruption', 'community'] },
  76: { sdgTargets: ['16.5'], tags: ['corruption', 'un-system', 'technical-assistance'] },
  77: { sdgTargets: ['16.6'], tags: ['impunity', 'accountability', 'institutions'] },
  78: { sdgTargets: [], tags: ['corruption', 'procurement', 'transparency'] },
  79: { sdgTargets: ['16.4'], tags: ['illicit-financial-flows', 'transparency', 'finance'] },
  80: { sdgTargets: [], tags: ['business', 'corruption'] },
  86: { sdgTargets: [], tags: ['hrd', 'coalitions', 'civil-society', 'civic-space'] },
  87: { sdgTargets: [], tags: ['narrative', 'hrd', 'civil-society', 'security'] },
  88: { sdgTargets: [], tags: ['hrd', 'community'] },
  89: { sdgTargets: [], tags: ['ngo', 'capacity-building', 'funding'] },
  90: { sdgTargets: [], tags: ['hrd', 'governments', 'legislation'] },
  91: { sdgTargets: [], tags: ['hrd', 'digital', 'security'] },
};

// Bullet markers: the PDF extraction writes them as private-use characters (U+F0B7 here).
const BULLET = /[\uE000-\uF8FF]/;
const BULLETS = new RegExp(BULLET.source, 'g');
const PAGE_FOOTER = /Page \d+ of \d+/g;

function fail(message) {
  process.stderr.write(`build-wp1515-catalogue: ${message}\n`);
  process.exit(1);
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();
// Words only, for comparing a pull quote with the text it repeats.
const words = (s) =>
  squash(
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .replace(/\s+/g, ' '),
  );

function cleanLines(raw) {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n');
  const corpus = words(raw);
  const out = [];
  for (let line of lines) {
    line = line.replace(PAGE_FOOTER, ' ');
    line = squash(line);
    if (line === '') continue;
    // A line of bullet markers only.
    if (line.replace(BULLETS, '').trim() === '') continue;
    // A line that is only a pull quote (opens with ‘ and closes with ’, or with ‘ by a typo).
    if (/^‘[^]*[’‘]$/.test(line) && !/(^|\s)\d+\.\s/.test(line)) continue;
    // A pull quote at the end of a line: drop it if its words are found elsewhere in the report.
    const tail = /\s‘([^‘’]+)[’‘]$/.exec(line);
    if (tail) {
      const quoted = words(tail[1]);
      const first = corpus.indexOf(quoted);
      if (quoted.length >= 20 && first !== -1 && corpus.indexOf(quoted, first + 1) !== -1) {
        line = line.slice(0, tail.index).trim();
      }
    }
    out.push(line);
  }
  return out;
}

function main() {
  const path = process.argv[2];
  if (!path) fail('usage: node scripts/build-wp1515-catalogue.mjs <wp1515-report.txt>');
  const lines = cleanLines(readFileSync(path, 'utf8'));

  // One stream of text; lineStarts marks where each cleaned line begins in it.
  const lineStarts = [];
  let text = '';
  for (const line of lines) {
    if (text) text += ' ';
    lineStarts.push(text.length);
    text += line;
  }
  const atLineStart = (i) => lineStarts.includes(i);
  // A heading begins a line, or follows the part heading "Key themes" or a section title.
  const headingAt = (i) =>
    atLineStart(i) ||
    [' Key themes ', ...SECTION_TITLES.map((t) => ` ${t} `)].some((h) =>
      text.slice(0, i).endsWith(h),
    );

  // Section titles and the other headings.
  const sections = SECTION_TITLES.map((title) => {
    const found = [];
    for (let i = text.indexOf(title); i !== -1; i = text.indexOf(title, i + 1)) {
      if (headingAt(i)) found.push(i);
    }
    if (found.length !== 1) fail(`section title found ${found.length} times: ${title}`);
    return { title, at: found[0] };
  });
  for (let k = 1; k < sections.length; k++) {
    if (sections[k].at <= sections[k - 1].at) fail(`section out of order: ${sections[k].title}`);
  }
  const boundaries = sections.map((s) => s.at);
  for (const heading of OTHER_HEADINGS) {
    let n = 0;
    for (let i = text.indexOf(heading); i !== -1; i = text.indexOf(heading, i + 1)) {
      if (headingAt(i)) {
        boundaries.push(i);
        n++;
      }
    }
    if (n !== 1) fail(`heading found ${n} times: ${heading}`);
  }
  // "Recommendations" / "Recommendations and ways forward" headings: followed by a numbered
  // paragraph or by the end of a line. "Main points of discussion(s)" headings.
  const recHeadings = [];
  for (const m of text.matchAll(/(^|\s)(Recommendations(?: and ways forward)?)(?=\s+\d+\.\s)/g)) {
    recHeadings.push(m.index + m[1].length);
  }
  for (const start of lineStarts) {
    const next = lineStarts.find((s) => s > start) ?? text.length + 1;
    const line = text.slice(start, next - 1);
    const m = /(^|\s)(Recommendations(?: and ways forward)?)$/.exec(line);
    if (m) recHeadings.push(start + m.index + m[1].length);
  }
  const mainHeadings = [...text.matchAll(/Main points of discussions?/g)].map((m) => m.index);
  boundaries.push(...recHeadings, ...mainHeadings);

  // Numbered paragraphs 1, 2, 3 ... in order, from the executive summary on.
  const summary = text.indexOf('Executive summary 1. ');
  if (summary === -1) fail('executive summary not found');
  const starts = [];
  let from = summary;
  for (let n = 1; ; n++) {
    const m = new RegExp(`(^|\\s)${n}\\.\\s`, 'g');
    m.lastIndex = from;
    const hit = m.exec(text);
    if (!hit) break;
    const at = hit.index + hit[1].length;
    starts.push({ n, at, body: at + `${n}.`.length });
    from = at + 1;
  }
  if (starts.length !== 91) fail(`expected numbered paragraphs 1-91, found 1-${starts.length}`);
  const conclusion = text.indexOf('Conclusion', starts[starts.length - 1].at);
  if (conclusion === -1) fail('conclusion not found after paragraph 91');

  const catalogue = [];
  for (const [k, p] of starts.entries()) {
    const nextStart = k + 1 < starts.length ? starts[k + 1].at : conclusion;
    const end = Math.min(nextStart, ...boundaries.filter((b) => b > p.at));
    // Under a "Recommendations" heading: the closest heading before it is a Recommendations one.
    const before = boundaries.filter((b) => b < p.at);
    const closest = Math.max(...before);
    if (!recHeadings.includes(closest)) continue;
    const section = sections.filter((s) => s.at < p.at).pop();
    if (!section) fail(`paragraph ${p.n} stands before the first section`);

    let body = squash(text.slice(p.body, end));
    for (const phrase of RESTORED_BULLETS[p.n] ?? []) {
      const i = body.indexOf(` ${phrase}`);
      if (i === -1 || BULLET.test(body.slice(i - 2, i))) fail(`paragraph ${p.n}: no "${phrase}"`);
      body = `${body.slice(0, i)} \uF0B7${body.slice(i)}`;
    }
    body = body.replace(new RegExp(`\\s*${BULLET.source}\\s*`, 'g'), '\n- ').trim();

    const curation = CURATION[p.n];
    if (!curation) fail(`paragraph ${p.n} has no curation entry`);
    const paragraph = String(p.n);
    catalogue.push({
      code: `WP1515-${paragraph}`,
      paragraph,
      theme: section.title,
      text: body,
      source: { document: DOCUMENT, paragraph },
      sdgTargets: curation.sdgTargets,
      tags: curation.tags,
    });
  }

  const got = catalogue.map((r) => Number(r.paragraph));
  if (got.join() !== EXPECTED.join()) {
    fail(`recommendation paragraphs differ from the expected list:\n  got ${got.join(', ')}`);
  }
  const unused = Object.keys(CURATION).filter((n) => !got.includes(Number(n)));
  if (unused.length) fail(`curation for paragraphs that are not recommendations: ${unused}`);
  for (const r of catalogue) {
    if (!r.text) fail(`paragraph ${r.paragraph} is empty`);
    if (/Page \d+ of \d+/.test(r.text)) fail(`paragraph ${r.paragraph} keeps a page footer`);
    if (/(^|\s)\d+\.\s/.test(r.text)) fail(`paragraph ${r.paragraph} holds a numbered start`);
    if (/[‘’]\s*$|^\s*‘/.test(r.text)) fail(`paragraph ${r.paragraph} starts or ends on a quote`);
  }

  const out = { document: DOCUMENT, title: TITLE, recommendations: catalogue };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main();
