import { describe, expect, it } from 'vitest';
import {
  formatWidgetFields,
  hiddenCustomerFields,
  parseRequiredFields,
  parseWidgetFields,
  requiredCustomerFields,
} from './topic.ts';

describe("a topic's form fields", () => {
  it('reads flag names in any case and spacing, None as none, and refuses unknown names', () => {
    expect(parseRequiredFields('email,  NAME')).toBe(3);
    expect(parseRequiredFields('None')).toBe(0);
    expect(parseRequiredFields('Alias')).toBeUndefined();
    expect(parseWidgetFields('Alias, Message')).toBe(96);
    expect(parseWidgetFields('Shoe size')).toBeUndefined();
    expect(parseWidgetFields(128)).toBeUndefined();
    expect(formatWidgetFields(96 | 8)).toBe('Phone, Alias, Message');
  });

  it('never hides a field the topic requires', () => {
    const hidden = parseWidgetFields('Company, Phone, Message')!;
    expect(hiddenCustomerFields(hidden, parseRequiredFields('Phone')!)).toEqual(['CustomerCompanyName', 'FirstMessage']);
    expect(requiredCustomerFields(parseRequiredFields('Company')!)).toEqual(['CustomerCompanyName']);
  });
});
