export { decodeGenericEvents } from './decode.ts';
export type { DecodeError, DecodeResult } from './decode.ts';
export { GENERIC_OWNERSHIP } from './ownership.ts';
export { genericReceiverFactory, genericReceiverConfigSchema } from './receiver.ts';
