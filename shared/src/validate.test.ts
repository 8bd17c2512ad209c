import { describe, expect, it } from 'vitest';
import { formatFlags, parseFlags, parseStatus } from './enums.ts';
import { chatSession, fieldByName } from './fields.ts';
import { checkVisitorRules, parseDateTime, readFields, validateField } from './validate.ts';

const field = (name: string) => fieldByName(name)!;

describe('the shared field rules', () => {
  it.each(['ada@example.com', 'a.b+tag@mail.example.co.uk', 'margarete.abshire@dach.info'])('accepts the email %s', (email) => {
    expect(validateField(field('CustomerEmail'), email)).toEqual({ ok: true, value: email });
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com'])('refuses the email %j', (email) => {
    expect(validateField(field('CustomerEmail'), email)).toMatchObject({ ok: false, error: { Code: 'email' } });
  });

  it.each(['+47 22 33 44 55', '284.321.0351', '455.144.8002 x561', '(627)881-4250 x0725', '1-873-501-5358 ext. 4500'])(
    'accepts the phone number %s',
    (phone) => {
      expect(validateField(field('CustomerPhone'), phone)).toMatchObject({ ok: true });
    },
  );

  it.each(['call me', '12', '+', '555-CALL-NOW', '1234; DROP TABLE'])('refuses the phone number %j', (phone) => {
    expect(validateField(field('CustomerPhone'), phone)).toMatchObject({ ok: false, error: { Code: 'phone' } });
  });

  it('counts the length after trimming, against the column length', () => {
    expect(validateField(field('CustomerAlias'), ` ${'a'.repeat(64)} `)).toMatchObject({ ok: true });
    expect(validateField(field('CustomerAlias'), 'a'.repeat(65))).toMatchObject({ ok: false, error: { Code: 'too_long' } });
  });

  it('reads status and flags by name in any case, or by number', () => {
    expect(parseStatus('inqueue')).toBe(4);
    expect(parseStatus(9)).toBe(9);
    expect(parseStatus('Waiting')).toBeUndefined();
    expect(parseFlags('CustomerIsTyping, userIsTyping')).toBe(3);
    expect(parseFlags('')).toBe(0);
    expect(parseFlags('Sleeping')).toBeUndefined();
    expect(formatFlags(3)).toBe('CustomerIsTyping, UserIsTyping');
  });

  it('reads ISO 8601 date-times with their offset', () => {
    expect(parseDateTime('2015-12-27T09:40:58.6783426+01:00')).toBe(Date.parse('2015-12-27T08:40:58.678Z'));
    expect(parseDateTime('2015-12-27T09:40:58')).toBe(Date.parse('2015-12-27T09:40:58Z'));
    expect(parseDateTime('27.12.2015')).toBeUndefined();
    expect(parseDateTime('2015-13-45T99:00:00Z')).toBeUndefined();
    // Only what can be written back with a four-digit year in UTC.
    expect(parseDateTime('9999-12-31T23:59:59-23:59')).toBeUndefined();
    expect(parseDateTime('0001-01-01T00:00:00+01:00')).toBeUndefined();
    expect(parseDateTime('9999-12-31T23:59:59Z')).toBe(Date.parse('9999-12-31T23:59:59Z'));
    expect(parseDateTime('0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });

  it('ignores unknown properties and the fields the server computes', () => {
    const { values, errors } = readFields(chatSession, { TopicId: 1, ChatSessionId: 'x', Whatever: 1, _Links: {} });
    expect(errors).toEqual([]);
    expect(values).toEqual({ TopicId: 1 });
  });

  it('asks for consent only when the topic collects it', () => {
    expect(checkVisitorRules({}, { collectConsent: true })).toMatchObject([{ Field: 'CustomerConsented', Code: 'consent' }]);
    expect(checkVisitorRules({ CustomerConsented: true }, { collectConsent: true })).toEqual([]);
    expect(checkVisitorRules({}, { collectConsent: false })).toEqual([]);
  });
});

describe('values that look like error codes', () => {
  it('are judged like any other text', () => {
    expect(validateField(field('CustomerEmail'), 'email')).toMatchObject({ ok: false, error: { Code: 'email' } });
    expect(validateField(field('CustomerName'), 'phone')).toEqual({ ok: true, value: 'phone' });
  });
});
