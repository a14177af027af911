/** The plan -> SQL renderer the embedded store calls (src/store/sql's DuckDB renderer by default). */
import type { QueryPlan } from '../../core/index.ts';
import type { RenderOptions, RenderedSql } from '../sql/index.ts';

export type SqlRenderer = (plan: QueryPlan, opts: RenderOptions) => RenderedSql;
