import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ScoringError } from './domain/errors.ts';

export {
  AppealDecisionInput,
  AppealInput,
  Attachment,
  CommendationInput,
  ComplaintConclusionInput,
  ComplaintInput,
  InspectionInput,
  LeadershipReviewInput,
  RectificationNoticeInput,
  RectificationOutcomeInput,
  SurveyInput,
} from './domain/records.ts';

/** Checks `value` against `schema`; `invalid_input` with `path: message` of the first problem otherwise. */
export function checkInput<S extends TSchema>(schema: S, value: unknown): Static<S> {
  if (Value.Check(schema, value)) return value as Static<S>;
  const first = [...Value.Errors(schema, value)][0] as
    | { instancePath?: string; message?: string }
    | undefined;
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'input';
  throw new ScoringError('invalid_input', `${where}: ${first?.message ?? 'is not valid'}`);
}
