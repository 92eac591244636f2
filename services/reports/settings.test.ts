import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_FONT, readReportSettings } from './settings.ts';

describe('report settings', () => {
  it('defaults to Debian’s Noto Sans CJK, Simplified Chinese face', () => {
    expect(readReportSettings({})).toEqual({
      STEWARD_REPORT_FONT: DEFAULT_REPORT_FONT,
      STEWARD_REPORT_FONT_FACE: 'NotoSansCJKsc-Regular',
    });
    expect(DEFAULT_REPORT_FONT).toBe('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
  });

  it('reads the environment, an empty variable counting as unset', () => {
    const settings = readReportSettings({
      STEWARD_REPORT_FONT: '/fonts/SourceHanSans.ttc',
      STEWARD_REPORT_FONT_FACE: '',
    });
    expect(settings.STEWARD_REPORT_FONT).toBe('/fonts/SourceHanSans.ttc');
    expect(settings.STEWARD_REPORT_FONT_FACE).toBe('NotoSansCJKsc-Regular');
  });
});
