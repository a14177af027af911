export { DetectionService } from './detection-service.ts';
export { readRulePaths } from './rule-paths.ts';
export type { DetectionServiceOptions, DetectionStats } from './detection-service.ts';
