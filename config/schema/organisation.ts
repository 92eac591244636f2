import Type, { type Static } from 'typebox';
import { BuildingCode, Id, LocalizedText, SecretRef } from './common.ts';
import { OpcuaEndpointExtraFields } from './opcua.ts';

export const Zone = Type.Object(
  {
    id: Id,
    name: LocalizedText,
    kind: Type.Enum(['floor', 'plant_room', 'roof', 'basement', 'outdoor', 'area']),
    /** Storey number for floors (negative below ground), used to order floors on boards. */
    level: Type.Optional(Type.Integer({ minimum: -10, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const Building = Type.Object(
  {
    /** 10 characters: 6-digit administrative region + building-type letter + 3-digit number. */
    code: BuildingCode,
    name: LocalizedText,
    /** 院内 (in the main compound) or 院外 (outside buildings): lots are tendered along this line. */
    location: Type.Enum(['compound', 'outside']),
    floorAreaM2: Type.Number({ exclusiveMinimum: 0 }),
    occupants: Type.Integer({ minimum: 0 }),
    zones: Type.Array(Zone, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const OpcuaEndpoint = Type.Object(
  {
    id: Id,
    url: Type.String({ pattern: '^opc\\.tcp://' }),
    securityMode: Type.Enum(['None', 'Sign', 'SignAndEncrypt']),
    securityPolicy: Type.Enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']),
    ...OpcuaEndpointExtraFields,
  },
  { additionalProperties: false },
);

export const MqttBroker = Type.Object(
  {
    id: Id,
    /** `embedded` is the gateway's own aedes broker; `external` is a site broker reached over MQTT.js. */
    kind: Type.Enum(['embedded', 'external']),
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?)://' })),
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(SecretRef),
    /** For mqtts:// and wss://: CA, client certificate and key files; server verified unless said otherwise. */
    tls: Type.Optional(
      Type.Object(
        {
          caFile: Type.Optional(Type.String({ minLength: 1 })),
          certFile: Type.Optional(Type.String({ minLength: 1 })),
          keyFile: Type.Optional(Type.String({ minLength: 1 })),
          rejectUnauthorized: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  },
  { additionalProperties: false },
);

export const Site = Type.Object(
  {
    id: Id,
    name: LocalizedText,
    /** 6-digit administrative division code (GB/T 2260) of the site. */
    region: Type.String({ pattern: '^[1-9]\\d{5}$' }),
    timezone: Type.String({ minLength: 1 }),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    buildings: Type.Array(Building, { minItems: 1 }),
    sources: Type.Object(
      {
        mqtt: Type.Array(MqttBroker),
        opcua: Type.Array(OpcuaEndpoint),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const OrganisationFile = Type.Object(
  {
    organisation: Type.Object(
      {
        id: Id,
        name: LocalizedText,
      },
      { additionalProperties: false },
    ),
    sites: Type.Array(Site, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type OrganisationFile = Static<typeof OrganisationFile>;
export type Site = Static<typeof Site>;
export type Building = Static<typeof Building>;
export type Zone = Static<typeof Zone>;
export type MqttBroker = Static<typeof MqttBroker>;
export type OpcuaEndpoint = Static<typeof OpcuaEndpoint>;
