export { renderDuckDb } from './duckdb-render.ts';
export type { RenderOptions, RenderedSql } from './duckdb-render.ts';
export { autoSpanMs } from './auto-span.ts';
