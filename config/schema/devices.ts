import Type, { type Static } from 'typebox';
import { Id } from './common.ts';

/**
 * Credentials of the devices on the embedded broker. Only scrypt hashes are stored
 * (`steward device-secret <device>` makes a password and its hash); the file may be committed.
 */
export const DeviceCredentialsFile = Type.Object(
  {
    devices: Type.Array(
      Type.Object(
        {
          device: Id,
          secret: Type.String({
            pattern: '^scrypt\\$\\d+\\$\\d+\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type DeviceCredentialsFile = Static<typeof DeviceCredentialsFile>;
