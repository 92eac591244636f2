import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** A listener's certificate chain and key (PEM), and optionally the CA its clients must be signed by. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/** A TLS file named by a setting is missing, unreadable, not PEM, or its key does not fit its certificate. */
export class TlsFileError extends Error {
  readonly code = 'TLS_FILE_INVALID';
  /** The setting that names the file, for `path: message` reports. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'TlsFileError';
    this.setting = setting;
  }
}

/** Which settings name the files of one listener. */
interface TlsSettingNames {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

export const HTTPS_SETTINGS = { cert: 'STEWARD_TLS_CERT_FILE', key: 'STEWARD_TLS_KEY_FILE' } as const;
export const MQTT_TLS_SETTINGS = {
  cert: 'STEWARD_MQTT_TLS_CERT_FILE',
  key: 'STEWARD_MQTT_TLS_KEY_FILE',
  ca: 'STEWARD_MQTT_TLS_CA_FILE',
} as const;

type FileSettings = Readonly<Partial<Record<string, unknown>>>;

/** The HTTP server's certificate and key, or undefined when HTTPS is not configured. Throws TlsFileError. */
export function httpsMaterial(settings: FileSettings): TlsMaterial | undefined {
  return readTlsMaterial(settings, HTTPS_SETTINGS);
}

/** The MQTT TLS listener's files (with the device CA when set), or undefined. Throws TlsFileError. */
export function mqttTlsMaterial(settings: FileSettings): TlsMaterial | undefined {
  return readTlsMaterial(settings, MQTT_TLS_SETTINGS);
}

/**
 * Reads a listener's PEM files and lets OpenSSL check them now, so that a wrong path, a key of
 * another certificate or a file that is not PEM stops the process at start with the setting's
 * name, instead of failing the first handshake. Undefined when neither certificate nor key is set.
 */
export function readTlsMaterial(settings: FileSettings, names: TlsSettingNames): TlsMaterial | undefined {
  const certFile = fileSetting(settings, names.cert);
  const keyFile = fileSetting(settings, names.key);
  const caFile = names.ca === undefined ? undefined : fileSetting(settings, names.ca);
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined && names.ca !== undefined) {
      throw new TlsFileError(names.ca, `needs ${names.cert} and ${names.key} (a TLS listener to apply to)`);
    }
    return undefined;
  }
  if (certFile === undefined) throw new TlsFileError(names.cert, `required when ${names.key} is set`);
  if (keyFile === undefined) throw new TlsFileError(names.key, `required when ${names.cert} is set`);
  const cert = readPem(names.cert, certFile);
  const key = readPem(names.key, keyFile);
  check(names.cert, certFile, () => createSecureContext({ cert }));
  check(names.key, keyFile, () => createSecureContext({ cert, key }));
  if (caFile === undefined || names.ca === undefined) return { cert, key };
  const ca = readPem(names.ca, caFile);
  check(names.ca, caFile, () => createSecureContext({ ca }));
  return { cert, key, ca };
}

function fileSetting(settings: FileSettings, name: string): string | undefined {
  const value = settings[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readPem(setting: string, file: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new TlsFileError(setting, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (!content.includes('-----BEGIN ')) throw new TlsFileError(setting, `${file} is not a PEM file`);
  return content;
}

function check(setting: string, file: string, load: () => unknown): void {
  try {
    load();
  } catch (error) {
    // OpenSSL's `error:05800074:x509 certificate routines::key values mismatch` → the reason alone.
    const reason = (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*::?/, '');
    throw new TlsFileError(setting, `${file} is not usable: ${reason}`);
  }
}
