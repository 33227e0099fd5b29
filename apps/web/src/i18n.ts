/**
 * Every string the web client shows, in one catalogue (English first; another language is a
 * second catalogue of the same keys), with `{name}` placeholders. Dates and numbers go through
 * Intl, in the reader's language.
 */
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
  'common.loading': 'Loading…',
  'common.error': 'Something went wrong: {message}',
  'common.cancel': 'Cancel',
} as const;

export type MessageKey = keyof typeof en;
const catalogue: Record<MessageKey, string> = en;

export const locale = navigator.language || 'en';

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? formatValue(params[name]) : whole,
  );
}

function formatValue(value: string | number): string {
  return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
