import type { FieldMessages } from './en.ts';

const labels: Record<string, string> = {
  CustomerName: 'Navnet ditt',
  CustomerEmail: 'E-postadressen din',
  CustomerPhone: 'Telefonnummeret ditt',
  CustomerCompanyName: 'Firmaet ditt',
};

/** Feltreglene på norsk bokmål. */
export const nb: FieldMessages = {
  kinds: {
    int32: 'et heltall',
    string: 'tekst',
    bool: 'true eller false',
    datetime: 'en dato og tid i ISO 8601, som 2026-11-26T09:30:00+01:00',
    status: 'et ChatSessionStatus-navn, som InQueue',
    flags: 'navn skilt med komma, blant',
    associate: 'et objekt',
    reference: 'et objekt',
    origins: 'en liste med opprinnelser som https://butikk.example',
    object: 'et objekt',
    enum: 'ett av disse navnene:',
    duration: 'et klokkeslett som 08:30:00 (eller en ISO 8601-varighet som PT8H30M), høyst 24:00:00',
    timezone: 'en tidssone som Europe/Oslo, eller en TimeZoneData med den som TZLocationCode',
  },
  type: (field, kind) => `${field} må være ${kind}.`,
  too_long: (max) => `Bruk høyst ${max} tegn.`,
  too_short: (min) => `Bruk minst ${min} tegn.`,
  characters: () => 'Fjern kontrolltegn eller ødelagte tegn fra teksten.',
  email: () => 'Skriv en e-postadresse som navn@eksempel.no.',
  phone: () => 'Skriv et telefonnummer med bare sifre, mellomrom og + ( ) - .',
  required: (field) => `${labels[field] ?? field} må fylles ut.`,
  consent: () => 'Du må samtykke før vi kan lagre opplysningene dine for denne chatten.',
  unknown_topic: () => 'Dette chatemnet finnes ikke.',
  unknown_associate: (field) => `${field} må vise til en eksisterende agent med AssociateId.`,
  ambiguous: (field) => `${field} er oppgitt mer enn én gang.`,
  not_allowed: (field) => `Bare en agent kan sette ${field}.`,
  user_name: () => 'Bruk 1 til 64 bokstaver, sifre eller . _ @ + - (ingen mellomrom).',
  stop_before_start: () => 'Stengetiden må være etter åpningstiden.',
  negative: () => 'Bruk 0 eller mer.',
  range: () => 'Velg 1 til 5 stjerner.',
  already_rated: () => 'Denne chatten er allerede vurdert.',
  not_ended: () => 'En chat kan vurderes når den er avsluttet.',
};
