export { decodeGenericEvents } from './decode.ts';
export type { DecodeError, DecodeResult } from './decode.ts';
