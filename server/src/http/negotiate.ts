/**
 * The one reader of the lists with quality values that Accept, Accept-Language and
 * Accept-Encoding carry (RFC 9110 §12.4.2): `text/xml;q=0.5, application/json`.
 */

export type Ranked = {
  /** The value, lower-cased, without its parameters. */
  value: string;
  /** Its quality: 1 unless given; 0 for a malformed one, which means "not this". */
  q: number;
  /** Its place in the header, for ties. */
  index: number;
};

/** The longest header worth reading; the rest of a longer one is not read. */
const MAX_HEADER = 2048;

export function parseQList(header: string | undefined): Ranked[] {
  if (header === undefined) return [];
  return header
    .slice(0, MAX_HEADER)
    .split(',')
    .map((part, index) => {
      const [value = '', ...params] = part.trim().toLowerCase().split(';');
      const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { value: value.trim(), q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0, index };
    })
    .filter((entry) => entry.value !== '');
}

/** The values the client accepts (q > 0), the most wanted first; equal ones in the client's order. */
export function rankedValues(header: string | undefined): string[] {
  return parseQList(header)
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.value);
}

/**
 * The offer the client prefers by `Accept` (RFC 9110 §12.5.1): for each offer, the most
 * specific range that matches it gives its quality; the best quality wins, and among equals
 * the server's order. Undefined when none is acceptable; the first offer when Accept is absent.
 */
export function chooseMediaType<T extends { type: string }>(accept: string | undefined, offers: readonly T[]): T | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0];
  const ranges = parseQList(accept);
  let best: T | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const [kind] = offer.type.split('/');
    let specificity = -1;
    let q = 0;
    for (const range of ranges) {
      const s = range.value === offer.type ? 2 : range.value === `${kind}/*` ? 1 : range.value === '*/*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = range.q;
      }
    }
    if (specificity >= 0 && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

/** The best encoding we have that the client accepts (RFC 9110 §12.5.3; `q=0` means "not this one"). */
export function chooseEncoding(header: string | undefined): 'br' | 'gzip' | 'identity' {
  const accepted = new Set(parseQList(header).filter((entry) => entry.q > 0).map((entry) => entry.value));
  if (accepted.has('br') || accepted.has('*')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}
