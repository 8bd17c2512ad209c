/**
 * A topic's opening hours, through the API: set in SuperOffice's shapes (times as `HH:MM:SS` or
 * ISO durations, the zone as TimeZoneData), refused when impossible, and answered as IsOpen,
 * IsWithinOpeningHours and the widget's part, with the app's own clock across a week and the
 * days the clocks change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0 } from '../testing/drafts.ts';
import { createTestApp, json, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let clock: number;
let kari: string;

beforeEach(async () => {
  clock = T0;
  t = await createTestApp({ now: () => clock });
  kari = await t.agent('kari', 'kari-secret-1');
});
afterEach(() => t.close());

const asKari = (method: string, path: string, body?: unknown) => t.call(method, path, { headers: { Authorization: kari }, json: body });

/** Oslo office hours: weekdays 08:00 to 16:00 with lunch 11:30 to 12:00, given the ways clients write times. */
const osloHours = {
  OpeningHoursEnabled: true,
  OpeningHours: {
    TzLocation: { TZLocationCode: 'Europe/Oslo' },
    MonEnabled: true,
    MonStart: 'PT8H',
    MonStop: 'PT16H',
    TueEnabled: true,
    TueStart: '08:00:00',
    TueStop: '16:00:00',
    WedEnabled: true,
    WedStart: '08:00',
    WedStop: '16:00',
    ThuEnabled: true,
    ThuStart: '08:00:00.0000000',
    ThuStop: 'PT15H60M',
    FriEnabled: true,
    FriStart: 'PT28800S',
    FriStop: '16:00:00',
    SatEnabled: false,
    SunEnabled: false,
    UseLunchHours: true,
    LunchStart: 'PT11H30M',
    LunchStop: '12:00:00',
  },
};

async function setHours(changes: Record<string, unknown> = {}) {
  const topic = await json(await asKari('GET', '/api/v1/ChatTopic/1'));
  return asKari('PUT', '/api/v1/ChatTopic/1', { ...topic, ...osloHours, ...changes });
}

/** Whether topic 1 is open at an instant, asked both ways: REST and the Agents/Chat method. */
async function openAt(instant: string): Promise<boolean> {
  clock = Date.parse(instant);
  const rest = await t.call('GET', '/api/v1/ChatTopic/1/IsOpen');
  const rpc = await asKari('POST', '/api/v1/Agents/Chat/IsWithinOpeningHours', { chatTopicId: 1 });
  const [a, b] = [await rest.text(), await rpc.text()];
  expect(a, instant).toBe(b);
  expect(['true', 'false']).toContain(a);
  return a === 'true';
}

describe('a topic’s opening hours', () => {
  it('take times as HH:MM:SS or ISO durations and the zone as TimeZoneData, and answer HH:MM:SS', async () => {
    const saved = await setHours();
    expect(saved.status).toBe(200);
    const topic = await json(await asKari('GET', '/api/v1/ChatTopic/1'));
    expect(topic.OpeningHoursEnabled).toBe(true);
    expect(topic.OpeningHours).toEqual({
      TzLocation: { TZLocationID: 0, Name: 'Europe/Oslo', TZLocationCode: 'Europe/Oslo', TZLocationCities: '' },
      ...Object.fromEntries(
        ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].flatMap((day) => [
          [`${day}Enabled`, day !== 'Sat' && day !== 'Sun'],
          [`${day}Start`, '08:00:00'],
          [`${day}Stop`, '16:00:00'],
        ]),
      ),
      UseLunchHours: true,
      LunchStart: '11:30:00',
      LunchStop: '12:00:00',
    });
    // The zone by name alone, in any case, and the official client's camelCase TimeZoneData.
    await setHours({ OpeningHours: { ...osloHours.OpeningHours, TzLocation: 'america/new_york' } });
    expect((await json(await asKari('GET', '/api/v1/ChatTopic/1'))).OpeningHours.TzLocation.Name).toBe('America/New_York');
    await setHours({ OpeningHours: { ...osloHours.OpeningHours, TzLocation: { tZLocationID: 12, tZLocationCode: 'Asia/Tokyo', name: 'Tokyo' } } });
    expect((await json(await asKari('GET', '/api/v1/ChatTopic/1'))).OpeningHours.TzLocation.Name).toBe('Asia/Tokyo');
    const xml = await (await t.call('GET', '/api/v1/ChatTopic/1', { headers: { Authorization: kari, Accept: 'application/xml' } })).text();
    expect(xml).toMatch(/<OpeningHours>\s*<TzLocation>[\s\S]*<TZLocationCode>Asia\/Tokyo<\/TZLocationCode>[\s\S]*<MonStart>08:00:00<\/MonStart>/);
  });

  it('refuses what cannot be, field by field, and stores none of it', async () => {
    await setHours();
    const before = await json(await asKari('GET', '/api/v1/ChatTopic/1'));
    const refused = await setHours({
      OpeningHours: {
        ...osloHours.OpeningHours,
        TzLocation: { TZLocationCode: 'Mars/Olympus_Mons' },
        MonStart: '17:00:00',
        MonStop: '09:00:00',
        TueStart: '25:00:00',
        WedStop: '1.02:00:00',
        ThuStart: '08:75',
        LunchStart: '12:30:00',
        LunchStop: '12:00:00',
      },
      OfflineFormTimeLimit: -5,
      OfflineFormQueueLength: 'many',
    });
    expect(refused.status).toBe(400);
    const body = await json(refused);
    expect(body.FieldErrors.map((error: { Field: string; Code: string }) => `${error.Field}:${error.Code}`).sort()).toEqual([
      'OfflineFormQueueLength:type',
      'OfflineFormTimeLimit:negative',
      'OpeningHours/LunchStop:stop_before_start',
      'OpeningHours/MonStop:stop_before_start',
      'OpeningHours/ThuStart:type',
      'OpeningHours/TueStart:type',
      'OpeningHours/TzLocation:type',
      'OpeningHours/WedStop:type',
    ]);
    expect(body.FieldErrors.find((error: { Field: string }) => error.Field === 'OpeningHours/MonStop').Message).toBe(
      'The closing time must be after the opening time.',
    );
    expect(await json(await asKari('GET', '/api/v1/ChatTopic/1'))).toEqual(before);
    // A closed day's times are not judged.
    expect((await setHours({ OpeningHours: { ...osloHours.OpeningHours, SatStart: '18:00:00', SatStop: '09:00:00' } })).status).toBe(200);
  });

  it('open the topic on its own wall clock, through a week and across both changes of the clocks', async () => {
    // Open at all hours until the hours are switched on.
    expect(await openAt('2026-11-29T03:00:00Z')).toBe(true);
    await setHours();
    // Monday 30 November 2026, Oslo on CET (UTC+1).
    expect(await openAt('2026-11-30T06:59:59Z')).toBe(false);
    expect(await openAt('2026-11-30T07:00:00Z')).toBe(true);
    expect(await openAt('2026-11-30T10:29:59Z')).toBe(true);
    expect(await openAt('2026-11-30T10:30:00Z')).toBe(false); // lunch
    expect(await openAt('2026-11-30T11:00:00Z')).toBe(true);
    expect(await openAt('2026-11-30T14:59:59Z')).toBe(true);
    expect(await openAt('2026-11-30T15:00:00Z')).toBe(false);
    // Friday evening, the weekend, Monday morning.
    expect(await openAt('2026-12-04T14:00:00Z')).toBe(true);
    expect(await openAt('2026-12-04T15:00:00Z')).toBe(false);
    expect(await openAt('2026-12-05T10:00:00Z')).toBe(false);
    expect(await openAt('2026-12-06T10:00:00Z')).toBe(false);
    expect(await openAt('2026-12-07T07:00:00Z')).toBe(true);
    // Clocks go forward on Sunday 29 March 2026: Monday opens at 08:00 CEST, 06:00 UTC.
    expect(await openAt('2026-03-27T06:30:00Z')).toBe(false);
    expect(await openAt('2026-03-30T05:59:59Z')).toBe(false);
    expect(await openAt('2026-03-30T06:00:00Z')).toBe(true);
    expect(await openAt('2026-03-30T13:59:59Z')).toBe(true);
    expect(await openAt('2026-03-30T14:00:00Z')).toBe(false);
    // And back on Sunday 25 October 2026: Monday opens at 07:00 UTC again.
    expect(await openAt('2026-10-23T06:30:00Z')).toBe(true);
    expect(await openAt('2026-10-26T06:30:00Z')).toBe(false);
    expect(await openAt('2026-10-26T07:00:00Z')).toBe(true);
    // Another zone, another wall clock: New York's Monday starts five hours later.
    await setHours({ OpeningHours: { ...osloHours.OpeningHours, TzLocation: 'America/New_York', UseLunchHours: false } });
    expect(await openAt('2026-11-30T12:59:59Z')).toBe(false);
    expect(await openAt('2026-11-30T13:00:00Z')).toBe(true);
    expect(await openAt('2026-11-30T20:59:59Z')).toBe(true);
    // A topic that is no more.
    expect((await t.call('GET', '/api/v1/ChatTopic/99/IsOpen')).status).toBe(404);
    expect((await asKari('POST', '/api/v1/Agents/Chat/IsWithinOpeningHours', { chatTopicId: 'one' })).status).toBe(400);
  });

  it('tell the widget whether the topic is open and whether anyone who may answer is there', async () => {
    await setHours();
    const widget = async () => json(await t.call('GET', '/api/v1/ChatTopic/1/widget'));
    clock = Date.parse('2026-11-30T08:00:00Z');
    expect(await widget()).toMatchObject({ IsOpen: true, AgentsPresent: true });
    clock = Date.parse('2026-11-30T20:00:00Z');
    expect(await widget()).toMatchObject({ IsOpen: false, AgentsPresent: true });
    // kari, the topic's only agent who may respond, goes away.
    const me = await json(await asKari('GET', '/api/v1/Associate/Me'));
    await asKari('POST', '/api/v1/Agents/Chat/SaveChatPresence', { chatPresence: [{ userId: me.AssociateId, present: false }] });
    expect(await widget()).toMatchObject({ AgentsPresent: false });
    // An agent who may only listen does not count.
    await t.agent('ola', 'ola-secret-1');
    const ola = (await t.store.findAgent('ola'))!;
    await t.store.setTopicAgent({ topicId: 1, agentId: ola.id, canListen: true, canRespond: false, canManage: false, canNotify: false });
    expect(await widget()).toMatchObject({ AgentsPresent: false });
    await t.store.setTopicAgent({ topicId: 1, agentId: ola.id, canListen: true, canRespond: true, canManage: false, canNotify: false });
    expect(await widget()).toMatchObject({ AgentsPresent: true });
  });
});
