import { describe, expect, it } from 'vitest';
import type { SiteModel } from '../../config/load/model.ts';
import { SiteCalendars } from './calendars.ts';

const model = {
  sites: [
    { id: 'admin-centre', timezone: 'Asia/Shanghai' },
    { id: 'urumqi-office', timezone: 'Asia/Urumqi' },
  ],
  buildings: new Map([
    ['330302A001', { siteId: 'admin-centre' }],
    ['650102A001', { siteId: 'urumqi-office' }],
  ]),
} as unknown as Pick<SiteModel, 'sites' | 'buildings'>;

describe('SiteCalendars', () => {
  const calendars = new SiteCalendars(model);

  it('gives each building its site’s zone, one calendar per zone', () => {
    expect(calendars.forBuilding('330302A001').timeZone).toBe('Asia/Shanghai');
    expect(calendars.forBuilding('650102A001').timeZone).toBe('Asia/Urumqi');
    expect(calendars.forBuilding('330302A001')).toBe(calendars.forZone('Asia/Shanghai'));
  });

  it('falls back to the first site for a building no longer configured', () => {
    expect(calendars.forBuilding('330302A099').timeZone).toBe('Asia/Shanghai');
  });
});
