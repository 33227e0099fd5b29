import type { PlanReport, ReportAction } from './plan-report';

/**
 * A plan report with every part filled, in Latin, Cyrillic, Arabic and Chinese: the input of the
 * renderers' tests and of `bench/export`. `actions` sets the plan's size.
 */
export function samplePlanReport(options: { actions?: number } = {}): PlanReport {
  const count = options.actions ?? 4;
  const organisations: PlanReport['organisations'] = {
    '64b000000000000000000001': {
      id: '64b000000000000000000001',
      name: 'Ministry of Justice',
      stakeholderType: 'state',
      country: 'KE',
    },
    '64b000000000000000000002': {
      id: '64b000000000000000000002',
      name: 'Правозащитный центр «Мемориал»',
      stakeholderType: 'ngo',
      country: 'GE',
    },
    '64b000000000000000000003': {
      id: '64b000000000000000000003',
      name: 'المنظمة العربية لحقوق الإنسان',
      stakeholderType: 'ngo',
      country: 'EG',
    },
    '64b000000000000000000004': {
      id: '64b000000000000000000004',
      name: '中国法律援助基金会',
      stakeholderType: 'academia',
      country: 'CN',
    },
    '64b000000000000000000005': {
      id: '64b000000000000000000005',
      name: 'Transport Workers Union',
      stakeholderType: 'union',
      country: 'GB',
    },
  };
  const ids = Object.keys(organisations);
  const titles = [
    'Legal aid fund for defenders',
    'Обучение судей по международным стандартам',
    'حماية المدافعين عن حقوق الإنسان',
    '建立独立的国家人权机构',
  ];
  const actions: ReportAction[] = [];
  for (let i = 0; i < count; i++) {
    const month = (i % 12) + 1;
    const year = 2027 + (Math.floor(i / 12) % 3);
    const start = `${year}-${String(month).padStart(2, '0')}-01`;
    const end = `${year + 1}-${String(month).padStart(2, '0')}-28`;
    actions.push({
      id: `a${String(i).padStart(7, '0')}`,
      title: `${titles[i % titles.length]} ${i + 1}`,
      description:
        i % 4 === 2
          ? 'يجب على الدولة ضمان بيئة آمنة للمدافعين عن حقوق الإنسان، وفق التوصية 49.'
          : i % 4 === 3
            ? '政府应当在2027年底之前设立符合《巴黎原则》的国家人权机构。'
            : 'Set up a fund that pays lawyers for human-rights defenders facing prosecution (recommendation WP1515-49).',
      leadOrganisationId: ids[i % ids.length],
      supportingOrganisationIds: [ids[(i + 1) % ids.length], ids[(i + 2) % ids.length]],
      startDate: i % 7 === 6 ? null : start,
      endDate: i % 7 === 6 ? null : end,
      status: (['not_started', 'limited', 'substantial', 'completed'] as const)[i % 4],
      budget: i % 3 === 0 ? 'EUR 250,000' : null,
      milestones: [
        {
          id: `m${String(i).padStart(7, '0')}`,
          title: i % 4 === 2 ? 'إطلاق الصندوق' : `Fund launched ${i + 1}`,
          due: `${year}-${String(month).padStart(2, '0')}-15`,
          status: 'in_progress',
        },
        {
          id: `n${String(i).padStart(7, '0')}`,
          title: `First report ${i + 1}`,
          due: i % 5 === 4 ? null : `${year + 1}-${String(month).padStart(2, '0')}-10`,
          status: 'not_started',
        },
      ],
      indicators: [
        {
          id: `i${String(i).padStart(7, '0')}`,
          name: i % 4 === 1 ? 'Число обученных судей' : 'Defenders receiving legal aid',
          baseline: 0,
          target: 120,
          unit: 'people',
        },
      ],
    });
  }
  return {
    generatedAt: '2026-11-28T09:30:00.000Z',
    plan: {
      id: '64c000000000000000000001',
      status: 'in_review',
      createdAt: '2026-10-01T08:00:00.000Z',
      editedAt: '2026-11-27T16:45:00.000Z',
      seq: 1234,
    },
    coalition: {
      id: '64d000000000000000000001',
      name: 'Coalition for Human Rights Defenders',
      purpose: 'Protect human-rights defenders in a multi-polar world.',
    },
    version: {
      id: '64e000000000000000000001',
      number: 3,
      name: 'Ministry draft',
      createdAt: '2026-11-27T17:00:00.000Z',
    },
    content: {
      title: 'National action plan on human-rights defenders — خطة العمل',
      problem:
        'Defenders face prosecution without legal support. Правозащитники подвергаются преследованиям. يتعرض المدافعون للملاحقة القضائية. 维权人士面临起诉。',
      baseline: 'In 2026, 12 % of prosecuted defenders had a lawyer.',
      objective: 'Every prosecuted defender has a lawyer by 2029.',
      recommendationIds: ['65a000000000000000000049', '65a000000000000000000140'],
      sdgTargets: ['16.3', '16.10'],
      actions,
    },
    recommendations: [
      {
        id: '65a000000000000000000049',
        code: 'WP1515-49',
        text: 'States should create and maintain a safe and enabling environment for human rights defenders.',
        theme: 'Civic space',
        source: { document: 'WP1515', paragraph: '49' },
        sdgTargets: ['16.10'],
      },
      {
        id: '65a000000000000000000140',
        code: 'WP1515-140.7',
        text: 'Strengthen national human rights institutions in line with the Paris Principles.',
        theme: 'Institutions',
        source: { document: 'WP1515', paragraph: '140.7' },
        sdgTargets: ['16.3', '16.a'],
      },
    ],
    organisations,
    memberOrganisationIds: ids,
    stakeholderMix: {
      state: 1,
      ngo: 2,
      business: 0,
      union: 1,
      academia: 1,
      intergovernmental: 0,
      nhri: 0,
      other: 0,
    },
    endorsements: [
      {
        organisationId: ids[0],
        organisationName: organisations[ids[0]].name,
        versionId: '64e000000000000000000001',
        versionNumber: 3,
        versionName: 'Ministry draft',
        endorsedAt: '2026-11-27T18:00:00.000Z',
        stale: false,
      },
      {
        organisationId: ids[2],
        organisationName: organisations[ids[2]].name,
        versionId: '64e000000000000000000001',
        versionNumber: 3,
        versionName: 'Ministry draft',
        endorsedAt: '2026-11-27T19:00:00.000Z',
        stale: false,
      },
    ],
  };
}
