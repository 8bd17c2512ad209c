import type { ConversationMessages } from '../../locale.ts';

/** Deutsch, in der Sie-Form wie das Formular. */
export default {
  queued: (position) => `Sie sind Nummer ${position} in der Warteschlange.`,
  queuedHint: 'Bitte lassen Sie diese Seite geöffnet. Gleich ist jemand für Sie da.',
  ended: 'Dieser Chat ist beendet.',
  newChat: 'Neuen Chat starten',
  chatting: (agent) => (agent ? `Sie chatten mit ${agent}.` : 'Sie sind verbunden. Sie erhalten hier eine Antwort.'),
  reconnecting: 'Die Verbindung wurde unterbrochen. Verbindung wird wiederhergestellt … Sie können weiterschreiben: Ihre Nachrichten werden gesendet, sobald die Verbindung wieder steht.',
  log: 'Unterhaltung',
  you: 'Sie',
  sending: 'Wird gesendet …',
  sent: 'Gesendet',
  notSent: 'Nicht gesendet.',
  retry: 'Erneut senden',
  tooFast: 'Nicht gesendet: Sie schreiben schneller, als wir annehmen können. Warten Sie einen Moment und senden Sie erneut.',
  endedNotSent: 'Nicht gesendet: Der Chat ist beendet.',
  typing: (agent) => `${agent ?? 'Jemand'} schreibt …`,
  message: 'Ihre Nachricht',
  composerHint: 'Eingabetaste sendet, Umschalt+Eingabetaste beginnt eine neue Zeile.',
  send: 'Senden',
  endChat: 'Chat beenden',
  endFailed: 'Der Chat konnte nicht beendet werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  endedByAgent: (agent) => `${agent} hat den Chat beendet.`,
  endedByVisitor: 'Sie haben den Chat beendet.',
} satisfies ConversationMessages;
