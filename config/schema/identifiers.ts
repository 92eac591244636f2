/**
 * National identifier formats the configuration checks beyond what a JSON schema can say.
 */

/** GB 32100-2015 统一社会信用代码 alphabet: digits and capitals without I, O, S, V, Z. */
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET.charAt(check);
}

/** Why a unified social credit code is invalid, or undefined when it is valid. */
export function creditCodeProblem(code: string): string | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) {
    return 'unified social credit code must be 18 characters of 0-9 and A-Z without I, O, S, V, Z';
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code.charAt(17)) {
    return `unified social credit code check digit is ${code.charAt(17)}, expected ${expected}`;
  }
  return undefined;
}

/**
 * Building types of the public-building energy monitoring guideline's 10-character building code
 * (6-digit administrative region + type letter + 3-digit number).
 */
export const BUILDING_TYPES: Readonly<Record<string, string>> = {
  A: 'office',
  B: 'shopping mall',
  C: 'hotel',
  D: 'culture and education',
  E: 'medical and health',
  F: 'sports',
  G: 'integrated',
  H: 'other',
};

export const BUILDING_CODE_PATTERN = '^[1-9]\\d{5}[A-H]\\d{3}$';

/** True when `isoDate` (YYYY-MM-DD) names a real calendar day. */
export function isRealDate(isoDate: string): boolean {
  const parsed = new Date(`${isoDate}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(isoDate);
}
