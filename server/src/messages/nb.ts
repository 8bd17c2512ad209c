/** Serverens meldinger på norsk bokmål. */
import type { Catalog } from './en.ts';

export const nb: Catalog = {
  notFoundPath: (method, path) => `Det finnes ingenting på ${method} ${path}.`,
  sessionNotFound: (id) => `Fant ikke ChatSession med id ${id}.`,
  rateLimited: (seconds) => `For mange chatter bedt om fra denne adressen. Prøv igjen om ${seconds} s.`,
  bodyTooLarge: (limit) => `Innholdet i forespørselen er større enn ${limit} byte.`,
  internal: () => 'Noe gikk galt på serveren. Forespørselen ble ikke fullført.',

  wrongPassword: () => 'Brukernavnet eller passordet er feil.',
  badBasic: () => 'Authorization: Basic må være base64 av "bruker:passord".',
  agentGone: () => 'Agenten disse påloggingsopplysningene gjelder, finnes ikke lenger.',
  unknownAppToken: () => 'Applikasjonsnøkkelen i SO-AppToken er ukjent.',
  authorizationTooLong: () => 'Authorization-hodet er for langt.',
  badAuthorization: () => 'Authorization må være "Basic …", "Bearer …" eller "SOTicket …".',
  unknownToken: () => 'Bearer-nøkkelen er ukjent eller trukket tilbake.',
  unknownTicket: () => 'Billetten er ukjent eller utløpt.',
  unknownScheme: (scheme) => `Authorization-metoden "${scheme}" støttes ikke.`,
  sessionExpired: () => 'Økten er utløpt. Logg inn på nytt.',
  xsrfMissing: () => 'En forespørsel med øktinformasjonskapselen må sende XSRF-TOKEN i X-XSRF-TOKEN.',
  agentRequired: () =>
    'Dette krever en agents påloggingsopplysninger: Authorization Basic, Bearer eller SOTicket, eller en innlogget økt.',
  notSignedIn: () => 'Ingen er logget inn.',
  loginBody: () => 'Send {"UserName": "…", "Password": "…"}.',

  badCharset: (charset) => `Tegnsettet "${charset}" støttes ikke; send UTF-8.`,
  badEncoding: (encoding) => `Innholdet i forespørselen er ikke gyldig ${encoding}.`,
  badJson: (detail) => `Innholdet i forespørselen er ikke gyldig JSON: ${detail}`,
  notAnObject: () => 'Innholdet i forespørselen må være et JSON-objekt.',
  jsonTooDeep: (depth) => `JSON-en er nestet dypere enn ${depth} nivåer.`,
  jsonTooLarge: (members) => `JSON-en har mer enn ${members} felt og elementer.`,
  formTwice: (name) => `Skjemaet har "${name}" mer enn én gang.`,
  noBody: () => 'Forespørselen har ikke noe innhold. Send entiteten som JSON eller XML.',
  noContentType: () => 'Forespørselen mangler Content-Type. Send application/json.',
  unsupportedType: (type, supported) => `Content-Type ${type} støttes ikke. Send en av: ${supported}.`,
  emptyBody: () => 'Innholdet i forespørselen er tomt. Send entiteten.',
  patchTypes: () => 'PATCH tar application/json-patch+json eller application/merge-patch+json.',

  forbiddenMember: (key) => `"${key}" kan ikke brukes som navn på et felt.`,
  patchPath: () => 'Hver patch-operasjon trenger en "path"-tekst.',
  patchWhole: () => 'En patch kan ikke erstatte hele entiteten; oppgi et felt i "path".',
  patchListItem: (path) => `Stien "${path}" peker ikke på et element i en liste.`,
  patchNoPath: (path) => `Stien "${path}" finnes ikke.`,
  patchList: () => 'En JSON Patch er en liste med operasjoner.',
  patchOperation: () => 'Hver patch-operasjon må være et objekt.',
  patchMoveCopy: (op) => `Patch-operasjonen "${op}" støttes ikke; bruk add, replace, remove eller test.`,
  patchUnknownOp: (op) => `Ukjent patch-operasjon ${op}; bruk add, replace, remove eller test.`,
  patchNeedsValue: (op, path) => `Operasjonen "${op}" på "${path}" trenger en "value".`,
  patchTestFailed: (path) => `Testen av "${path}" feilet: verdien er en annen.`,
  mergeNotObject: () => 'En merge patch for en entitet må være et JSON-objekt.',

  acceptTooLong: () => 'Accept-hodet er for langt.',
  notAcceptable: (offers) => `Ingen av typene i Accept kan leveres. Be om en av: ${offers}.`,
  badTimeZoneHeader: (header) => `SO-TimeZone "${header}" forstås ikke: send en sone som Europe/Oslo eller UTC.`,
  unknownTimeZone: (zone) => `SO-TimeZone "${zone}" er ikke en tidssone: send et IANA-navn som Europe/Oslo, eller UTC.`,
  selectTooLong: () => '$select er for lang.',
  selectUnknown: (name) => `$select nevner "${name}", som ikke er et felt i ChatSession.`,

  agentOnlyFields: (fields) => `Bare en agent kan sette ${fields}.`,
  changedSince: (id, since) => `ChatSession ${id} er endret etter ${since}.`,
  fieldsInvalid: (count) => `${count} felt er ikke gyldige.`,
  saveId: () => 'ChatSessionId må være et heltall: 0 for å opprette.',
  queryId: (name) => `Spørringen trenger ${name}, et heltall.`,

  xmlTooDeep: (depth) => `XML-en er nestet dypere enn ${depth} elementer.`,
  xmlTwice: () => 'Et element forekommer to ganger i XML-innholdet.',
  xmlDoctype: () => 'XML med DOCTYPE eller entitetsdeklarasjoner godtas ikke.',
  xmlMalformed: (detail) => `Innholdet i forespørselen er ikke velformet XML: ${detail}`,
  xmlRoot: (root) => `Rotelementet i XML-innholdet må være <${root}>.`,

  originTopic: (origin, topic) => `Sider fra ${origin} kan ikke be om chat i emne ${topic}.`,
  credentialsCrossOrigin: () => 'En agents påloggingsopplysninger godtas ikke fra en side på et annet nettsted.',
  originRefused: (origin) =>
    `Sider fra ${origin} kan ikke bruke denne chatserveren. Driftsansvarlig kan tillate opphavet i CHAT_ALLOWED_ORIGINS.`,

  reasonComputed: () => 'Beregnes av serveren.',
  reasonAgentOnly: () => 'Bare en agent kan sette dette feltet.',
};
