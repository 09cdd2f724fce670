import { describe, expect, it } from 'vitest';
import { amountOf, CONVERSION_HEADERS, COST_HEADERS, mapColumns, stageOf, timeOf } from './crm-columns.js';

describe('CRM export columns', () => {
  it('finds the columns of a HubSpot deals export and honours --map', () => {
    const header = [
      'Record ID',
      'Deal Name',
      'Deal Stage',
      'Amount',
      'Close Date',
      'Associated Contact Email',
      'Currency',
    ];
    expect(mapColumns(header, {}, CONVERSION_HEADERS)).toEqual({
      record_id: 0,
      stage: 2,
      amount: 3,
      ts: 4,
      email: 5,
      currency: 6,
    });
    expect(mapColumns(['Opp', 'Who', 'Value'], { record_id: 'Opp', email: 'who' }, CONVERSION_HEADERS)).toMatchObject({
      record_id: 0,
      email: 1,
      amount: 2,
    });
    expect(() => mapColumns(['a'], { email: 'Mail' }, CONVERSION_HEADERS)).toThrow(/no column 'Mail'/);
  });

  it('finds the columns of ad platform cost exports', () => {
    expect(mapColumns(['Day', 'Campaign', 'Cost', 'Currency code'], {}, COST_HEADERS)).toEqual({
      date: 0,
      campaign: 1,
      amount: 2,
      currency: 3,
    });
    expect(mapColumns(['Reporting starts', 'Campaign name', 'Amount spent (EUR)'], {}, COST_HEADERS)).toEqual({
      date: 0,
      campaign: 1,
      amount: 2,
    });
  });

  it('reads stage names, amounts and dates as CRMs write them', () => {
    expect(['Closed Won', 'closedwon', 'WON', 'Closed Lost', 'Appointment scheduled', 'MQL'].map(stageOf)).toEqual([
      'customer',
      'customer',
      'customer',
      'lost',
      'opportunity',
      'mql',
    ]);
    expect(stageOf('maybe')).toBeUndefined();
    expect(['1,200.50', '1.200,50', '€ 1 200', '1200', '1,200', '12,5', 'n/a'].map(amountOf)).toEqual([
      1200.5,
      1200.5,
      1200,
      1200,
      1200,
      12.5,
      NaN,
    ]);
    expect(timeOf('2026-03-14')).toBe(Date.UTC(2026, 2, 14));
    expect(timeOf('2026-03-14 10:30')).toBe(Date.UTC(2026, 2, 14, 10, 30));
    expect(timeOf('2026-03-14T10:30:00+02:00')).toBe(Date.UTC(2026, 2, 14, 8, 30));
    expect(timeOf('03/14/2026')).toBeNaN();
  });
});
