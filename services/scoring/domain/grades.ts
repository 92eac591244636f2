import type { Grade, GradeThresholds } from '../../../config/schema/scoring.ts';
import { toCenti } from './points.ts';

/** 优秀 / 良好 / 合格 / 不合格 of a score given in hundredths (thresholds inclusive). */
export function gradeOf(totalCenti: number, grades: GradeThresholds): Grade {
  if (totalCenti >= toCenti(grades.excellent)) return 'excellent';
  if (totalCenti >= toCenti(grades.good)) return 'good';
  if (totalCenti >= toCenti(grades.pass)) return 'pass';
  return 'fail';
}

export const gradeLabelKey = (grade: Grade): string => `scoring.grade.${grade}`;
