import { type Logger, pino } from 'pino';
import type { Settings } from './settings.ts';

export type { Logger };

/** JSON lines on stdout; the role is a base field so mixed logs in `all` stay attributable. */
export function createLogger(settings: Pick<Settings, 'LOG_LEVEL'>, role: string): Logger {
  return pino({ level: settings.LOG_LEVEL, base: { role } });
}
