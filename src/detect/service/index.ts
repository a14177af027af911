export { DetectionService } from './detection-service.ts';
export { detectionRuleFiles, readRulePaths } from './rule-paths.ts';
export type { DetectionServiceOptions, DetectionStats } from './detection-service.ts';
