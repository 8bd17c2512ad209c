import type { ConversationMessages } from '../../locale.ts';

/** Norsk bokmål. */
export default {
  queued: (position) => `Du er nummer ${position} i køen.`,
  queuedHint: 'La siden være åpen. Noen er snart hos deg.',
  ended: 'Denne chatten er avsluttet.',
  newChat: 'Start en ny chat',
  chatting: (agent) => (agent ? `Du chatter med ${agent}.` : 'Du er tilkoblet. Noen svarer deg her.'),
  reconnecting: 'Forbindelsen ble brutt. Kobler til igjen … Du kan skrive videre: meldingene sendes når vi er tilbake.',
  log: 'Samtale',
  you: 'Du',
  sending: 'Sender …',
  sent: 'Sendt',
  notSent: 'Ikke sendt.',
  retry: 'Send på nytt',
  tooFast: 'Ikke sendt: du skriver raskere enn vi rekker å ta imot. Vent litt og send på nytt.',
  endedNotSent: 'Ikke sendt: chatten er avsluttet.',
  typing: (agent) => `${agent ?? 'Noen'} skriver …`,
  message: 'Din melding',
  composerHint: 'Enter sender, Shift+Enter gir ny linje.',
  send: 'Send',
  endChat: 'Avslutt chatten',
  endFailed: 'Vi fikk ikke avsluttet chatten. Sjekk forbindelsen og prøv igjen.',
  endedByAgent: (agent) => `${agent} avsluttet chatten.`,
  endedByVisitor: 'Du avsluttet chatten.',
} satisfies ConversationMessages;
