import { describe, expect, it } from 'vitest';
import { formatValue, renderTitle } from './title.ts';

describe('renderTitle', () => {
  const facts = {
    equipment: { 'zh-CN': '1号客梯', en: 'Passenger lift 1' },
    building: { 'zh-CN': '主楼', en: 'Main building' },
  };

  it('fills every placeholder in both languages', () => {
    const title = {
      'zh-CN': '{building}{equipment} 压差 {value}{unit}',
      en: '{equipment} in {building}: {value} {unit}',
    };
    expect(renderTitle(title, { ...facts, value: 0.30000000000000004, unit: 'kPa' })).toEqual({
      'zh-CN': '主楼1号客梯 压差 0.3kPa',
      en: 'Passenger lift 1 in Main building: 0.3 kPa',
    });
  });

  it('leaves {value} as written without a value and unknown placeholders alone', () => {
    expect(renderTitle({ 'zh-CN': '{value}{x}', en: '{value}{unit}' }, facts)).toEqual({
      'zh-CN': '{value}{x}',
      en: '{value}',
    });
  });

  it('formats values without -0 and with at most three decimals', () => {
    expect(formatValue(-0)).toBe('0');
    expect(formatValue(1.23456)).toBe('1.235');
    expect(formatValue(28)).toBe('28');
  });
});
