/**
 * Every string the web client shows, in one catalogue (English first; another language is a
 * second catalogue of the same keys), with `{name}` placeholders. Dates and numbers go through
 * Intl, in the reader's language.
 */
import { planMessages } from './i18n-plan';
import { roomMessages } from './i18n-room';

const en = {
  'app.name': 'Accord',
  'app.tagline': 'Coalitions around human-rights recommendations',
  'nav.skip': 'Skip to main content',
  'nav.catalogue': 'Recommendations',
  'nav.coalitions': 'My coalitions',
  'nav.signOut': 'Sign out',
  'nav.actingFor': 'Acting for {organisation}',
  'nav.main': 'Main',
  'auth.signIn': 'Sign in',
  'auth.register': 'Create an account',
  'auth.email': 'Email',
  'auth.password': 'Password',
  'auth.passwordHint': 'At least 12 characters',
  'auth.displayName': 'Your name as others see it',
  'auth.haveAccount': 'Already have an account?',
  'auth.noAccount': 'New to Accord?',
  'auth.working': 'Please wait…',
  'org.title': 'Who do you act for?',
  'org.intro': 'In a coalition you speak for one organisation. Choose it, or create it.',
  'org.choose': 'Act for {organisation}',
  'org.none': 'You are not a member of any organisation yet.',
  'org.create': 'Create an organisation',
  'org.name': 'Organisation name',
  'org.type': 'Stakeholder type',
  'org.country': 'Country (two-letter code, e.g. KE)',
  'org.submit': 'Create and act for it',
  'stakeholder.state': 'State',
  'stakeholder.ngo': 'NGO',
  'stakeholder.business': 'Business',
  'stakeholder.union': 'Trade union',
  'stakeholder.academia': 'Academia',
  'stakeholder.intergovernmental': 'Intergovernmental',
  'stakeholder.nhri': 'National human rights institution',
  'stakeholder.other': 'Other',
  'catalogue.title': 'Recommendations',
  'catalogue.search': 'Search recommendations',
  'catalogue.theme': 'Theme',
  'catalogue.anyTheme': 'Any theme',
  'catalogue.sdg': 'SDG target',
  'catalogue.sdgPlaceholder': 'e.g. 16.10',
  'catalogue.apply': 'Search',
  'catalogue.count': '{count} recommendations',
  'catalogue.none': 'No recommendation matches.',
  'catalogue.source': '{document}, paragraph {paragraph}',
  'catalogue.sdgTargets': 'SDG targets: {targets}',
  'catalogue.coalitions': 'Coalitions working on it',
  'catalogue.showCoalitions': 'Show coalitions working on {code}',
  'catalogue.noCoalitions': 'No coalition yet.',
  'catalogue.startCoalition': 'Start a coalition on {code}',
  'catalogue.previous': 'Previous page',
  'catalogue.next': 'Next page',
  'catalogue.page': 'Page {page} of {pages}',
  'coalition.new': 'Start a coalition',
  'coalition.name': 'Coalition name',
  'coalition.purpose': 'Purpose',
  'coalition.visibility': 'Who can see it',
  'coalition.public': 'Public: anyone signed in can find it and ask to join',
  'coalition.private': 'Private: only its members know it exists',
  'coalition.create': 'Create the coalition',
  'coalition.recommendations': 'Recommendations',
  'coalition.members': 'Member organisations',
  'coalition.mix': 'Stakeholder mix',
  'coalition.multi': 'Multi-stakeholder ({types} types)',
  'coalition.role': 'Your role: {role}',
  'coalition.notFound': 'This coalition does not exist, or you cannot see it.',
  'coalition.openRoom': 'Open the live room',
  'room.title': 'Live room: {name}',
  'room.back': 'Back to the coalition',
  'room.connecting': 'Connecting…',
  'room.connected': 'Connected',
  'room.reconnecting': 'Connection lost, reconnecting… (what you missed will appear)',
  'room.here': 'Here now ({count})',
  'room.conversation': 'Conversation',
  'room.empty': 'No comments yet. Start the conversation.',
  'room.someone': 'A member',
  'room.deleted': 'This comment was deleted.',
  'room.hidden': 'This comment was hidden by a moderator.',
  'room.react': 'React {emoji} ({count})',
  'room.reply': 'Reply',
  'room.replyingTo': 'Replying to {name}',
  'room.hide': 'Hide',
  'room.hideReason': 'Why hide this comment? (the reason is kept in the audit log)',
  'room.typing': '{names} typing…',
  'room.message': 'Your comment',
  'room.send': 'Send',
  'room.announce': 'New comment from {name}',
  'room.removed': 'You were removed from this room.',
  'coalition.plans': 'Action plans',
  'coalition.noPlans': 'No action plan yet.',
  'coalition.newPlan': 'Title of a new action plan',
  'coalition.createPlan': 'Start an action plan',
  'plan.status': 'Status: {status}',
  'plan.readOnly': 'read-only for you',
  'plan.commitment': 'Commitment',
  'plan.title': 'Title',
  'plan.problem': 'Problem',
  'plan.baseline': 'Baseline',
  'plan.objective': 'Objective',
  'plan.actions': 'Actions ({count})',
  'plan.actionTitle': 'Action {n}: title',
  'plan.actionDescription': 'Action {n}: description',
  'plan.actionStatus': 'Action {n}: status',
  'plan.moveUp': 'Move action {n} up',
  'plan.moveDown': 'Move action {n} down',
  'plan.remove': 'Remove action {n}',
  'plan.newAction': 'New action',
  'plan.addAction': 'Add the action',
  'plan.manage': 'Versions, workflow and exports',
  'plan.export': 'Download',
  'plan.download': 'Download {format}',
  'plan.downloaded': '{format} downloaded.',
  'plan.workflow': 'Workflow',
  'plan.moveTo': 'Move to “{status}”',
  'plan.versions': 'Named versions',
  'plan.versionName': 'Version name',
  'plan.saveVersion': 'Save a version',
  'plan.versionSaved': 'Version “{name}” saved.',
  'plan.version': '{number}. {name}',
  'plan.restore': 'Restore “{name}”',
  'plan.restored': 'Version “{name}” restored as a new change.',
  'planStatus.draft': 'Draft',
  'planStatus.in_review': 'In review',
  'planStatus.endorsed': 'Endorsed',
  'planStatus.published': 'Published',
  'actionStatus.not_started': 'Not started',
  'actionStatus.limited': 'Limited',
  'actionStatus.substantial': 'Substantial',
  'actionStatus.completed': 'Completed',
  'organise.title': 'Organise',
  'organise.invite': 'Invite someone',
  'organise.role': 'Their role in the coalition',
  'organise.sendInvite': 'Create the invitation',
  'organise.share': 'Send this link to the person you invited (it works once):',
  'organise.requests': 'Requests to join ({count})',
  'organise.noRequests': 'No one is waiting.',
  'organise.approve': 'Approve {name}',
  'organise.reject': 'Decline {name}',
  'role.organiser': 'Organiser',
  'role.moderator': 'Moderator',
  'role.member': 'Member',
  'role.observer': 'Observer',
  'coalition.askToJoin': 'Ask to join for {organisation}',
  'coalition.asked': 'Your request was sent to the organisers.',
  'invitation.title': 'An invitation to a coalition',
  'invitation.as': 'You will act for {organisation} in it.',
  'invitation.chooseFirst': 'Choose the organisation you act for first',
  'invitation.accept': 'Accept the invitation',
  'members.title': 'People ({count})',
  'members.person': 'Person',
  'members.organisation': 'Acting for',
  'members.role': 'Role',
  'members.since': 'Member since',
  'members.manage': 'Manage',
  'members.you': '{name} (you)',
  'members.newRole': 'New role for {name}',
  'members.changeRole': 'Change the role of {name}',
  'members.stepDown': 'Step down',
  'members.roleChanged': '{name} is now {role}.',
  'members.remove': 'Remove {name}',
  'members.leave': 'Leave the coalition',
  'members.confirmGroup': 'Confirm',
  'members.confirmRemove': 'Remove {name} from the coalition?',
  'members.confirmLeave': 'Leave this coalition? You will need an invitation to come back.',
  'members.yesRemove': 'Yes, remove',
  'members.yesLeave': 'Yes, leave',
  'members.removed': '{name} was removed from the coalition.',
  'members.left': 'You left the coalition.',
  'collab.tooLong': '{field} holds at most {max} characters: that change was not made.',
  'common.loading': 'Loading…',
  'common.error': 'Something went wrong: {message}',
  'common.cancel': 'Cancel',
  ...roomMessages,
  ...planMessages,
} as const;

export type MessageKey = keyof typeof en;

interface Catalogue {
  /** The language of the strings (the page's `lang`). */
  lang: string;
  dir: 'ltr' | 'rtl';
  messages: Record<MessageKey, string>;
}

/**
 * The catalogues by the browser language they answer. `ar-XB` is the pseudo right-to-left
 * locale (as Chromium names it): the English strings laid out right to left, to check that every
 * screen mirrors before a right-to-left language is translated.
 */
const CATALOGUES: Record<string, Catalogue> = {
  en: { lang: 'en', dir: 'ltr', messages: en },
  'ar-XB': { lang: 'en', dir: 'rtl', messages: en },
};

/** The first of the reader's languages with a catalogue (exactly, then by its language). */
function choose(languages: readonly string[]): Catalogue {
  for (const language of languages) {
    const found = CATALOGUES[language] ?? CATALOGUES[language.split('-')[0]];
    if (found) return found;
  }
  return CATALOGUES.en;
}

const readerLanguages = navigator.languages?.length ? navigator.languages : [navigator.language];
const catalogue = choose(readerLanguages);

/** Dates and numbers follow the reader's own language, whatever the strings' language. */
export const locale = navigator.language || 'en';
export const language = catalogue.lang;
export const direction = catalogue.dir;

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue.messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? formatValue(params[name]) : whole,
  );
}

function formatValue(value: string | number): string {
  return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
}

/**
 * A date in the reader's language. A calendar date (`2027-01-15`, as plans hold them) is the
 * same day everywhere: it is not moved into the reader's time zone.
 */
export function formatDate(iso: string): string {
  const calendarDate = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  if (Number.isNaN(Date.parse(iso))) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(calendarDate ? { timeZone: 'UTC' } : {}),
  }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
