import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ReportError } from './errors.ts';

/** Debian's fonts-noto-cjk; the Dockerfile must install that package too. */
export const DEFAULT_REPORT_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
/** The Simplified Chinese face of the Noto CJK collection (a .ttc holds ten faces). */
export const DEFAULT_REPORT_FONT_FACE = 'NotoSansCJKsc-Regular';

/**
 * The report settings from the environment, validated like services/runtime/settings.ts does
 * for the process settings (and meant to move there when reports are wired into a role).
 */
export const ReportSettings = Type.Object({
  /** A TrueType/OpenType font or collection with CJK glyphs, embedded (subset) in every PDF. */
  STEWARD_REPORT_FONT: Type.String({ default: DEFAULT_REPORT_FONT, minLength: 1 }),
  /** PostScript name of the face in a collection (.ttc); ignored for a single-face file. */
  STEWARD_REPORT_FONT_FACE: Type.String({ default: DEFAULT_REPORT_FONT_FACE, minLength: 1 }),
});
export type ReportSettings = Static<typeof ReportSettings>;

/** Empty variables count as unset. Throws `ReportError('invalid_settings')`. */
export function readReportSettings(env: NodeJS.ProcessEnv = process.env): ReportSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ReportSettings.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ReportSettings, raw);
  const issues = [...Value.Errors(ReportSettings, withDefaults)].map(
    (error) => `environment: ${error.instancePath.slice(1) || '(root)'}: ${error.message}`,
  );
  if (issues.length > 0) {
    throw new ReportError('invalid_settings', `invalid report settings:\n${issues.join('\n')}`, { issues });
  }
  return withDefaults as ReportSettings;
}
