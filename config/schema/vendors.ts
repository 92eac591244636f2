import Type, { type Static } from 'typebox';
import { Id, LocalizedText, SecretRef } from './common.ts';

export const Contact = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    role: Type.String({ minLength: 1 }),
    phone: Type.String({ pattern: '^\\+?[0-9][0-9 -]{5,19}$' }),
    email: Type.Optional(Type.String({ format: 'email' })),
  },
  { additionalProperties: false },
);

export const Vendor = Type.Object(
  {
    id: Id,
    name: LocalizedText,
    /** 统一社会信用代码, checked with its GB 32100 check character. */
    creditCode: Type.String(),
    contacts: Type.Array(Contact, { minItems: 1 }),
    /** Work-order events are POSTed here, signed with HMAC-SHA256 using the referenced secret. */
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          secret: SecretRef,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const VendorsFile = Type.Object(
  { vendors: Type.Array(Vendor, { minItems: 1 }) },
  { additionalProperties: false },
);

export type VendorsFile = Static<typeof VendorsFile>;
export type Vendor = Static<typeof Vendor>;
