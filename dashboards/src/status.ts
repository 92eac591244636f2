/**
 * What an equipment board shows for one piece of equipment, derived from its points' latest
 * values. Pure, so it is unit-tested (status.test.ts) apart from the browser.
 */

export type StatusCode =
  | 'running'
  | 'stopped'
  | 'fault'
  | 'trapped'
  | 'inspection'
  | 'open'
  | 'closed'
  | 'forced'
  | 'held'
  | 'alarm'
  | 'normal'
  | 'online'
  | 'offline';

/** How loud a status is on the board: alarm colours for `alarm`, amber for `warn`. */
export type Tone = 'alarm' | 'warn' | 'ok' | 'idle' | 'offline';

export const TONE: Readonly<Record<StatusCode, Tone>> = {
  running: 'ok',
  stopped: 'idle',
  fault: 'alarm',
  trapped: 'alarm',
  inspection: 'warn',
  open: 'warn',
  closed: 'ok',
  forced: 'alarm',
  held: 'warn',
  alarm: 'alarm',
  normal: 'ok',
  online: 'ok',
  offline: 'offline',
};

export interface PointInfo {
  readonly id: string;
  readonly key: string;
  readonly intervalS?: number;
}

export interface EquipmentInfo {
  readonly class: string;
  readonly points: readonly PointInfo[];
}

export interface Latest {
  readonly t: number;
  readonly v: number;
}

/** A point is stale after this many of its reporting intervals without a reading. */
export const STALE_INTERVALS = 3;
/** Points that change only on events (doors, fire panels) report at least this often in practice. */
const DEFAULT_INTERVAL_S = 300;

/** Which board a class is drawn on; classes not listed have no board. */
export const BOARD_OF: Readonly<Record<string, string>> = {
  ahu: 'ahu',
  fresh_air_unit: 'ahu',
  fan_coil_group: 'ahu',
  chiller: 'chiller',
  pump: 'chiller',
  cooling_tower: 'chiller',
  lift: 'lift',
  access_door: 'door',
  fire_panel: 'fire',
  intrusion_sensor: 'fire',
  cctv_camera: 'fire',
  electricity_meter: 'meter',
  water_meter: 'meter',
  weather_station: 'meter',
};

export const BOARDS = ['ahu', 'chiller', 'lift', 'door', 'fire', 'meter'] as const;

export function equipmentStatus(
  equipment: EquipmentInfo,
  latest: ReadonlyMap<string, Latest>,
  nowMs: number,
): StatusCode {
  const value = (key: string): number | undefined => {
    const point = equipment.points.find((candidate) => candidate.key === key);
    return point ? latest.get(point.id)?.v : undefined;
  };
  const on = (key: string): boolean => (value(key) ?? 0) !== 0;
  const fresh = equipment.points.some((point) => {
    const reading = latest.get(point.id);
    const interval = (point.intervalS ?? DEFAULT_INTERVAL_S) * 1000;
    return reading !== undefined && nowMs - reading.t <= STALE_INTERVALS * interval;
  });
  if (!fresh) return 'offline';
  switch (equipment.class) {
    case 'ahu':
    case 'fresh_air_unit':
    case 'fan_coil_group':
      if (on('fault')) return 'fault';
      return on('fan_running') || on('fans_running') ? 'running' : 'stopped';
    case 'chiller':
      if (on('fault_code')) return 'fault';
      return on('running') ? 'running' : 'stopped';
    case 'pump':
    case 'cooling_tower':
      if (on('fault')) return 'fault';
      return on('running') || on('fan_running') ? 'running' : 'stopped';
    case 'lift': {
      if (on('trapped_passenger')) return 'trapped';
      const state = value('running_state');
      if (state === 3 || on('fault_code')) return 'fault';
      if (state === 2) return 'inspection';
      return state === 1 ? 'running' : 'stopped';
    }
    case 'access_door':
      if (on('forced_open')) return 'forced';
      if (on('held_open')) return 'held';
      return on('open') ? 'open' : 'closed';
    case 'fire_panel':
      if (on('fire_alarm')) return 'alarm';
      return on('fault') ? 'fault' : 'normal';
    case 'intrusion_sensor':
      return on('tamper') ? 'alarm' : 'normal';
    case 'cctv_camera':
      return on('video_loss') || value('online') === 0 ? 'fault' : 'normal';
    default:
      return 'online';
  }
}
