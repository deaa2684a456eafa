export * from './types.ts';
export { decodeTraceRequestProtobuf } from './proto/decode-trace.ts';
export { decodeTraceRequestJson } from './json/decode-trace-json.ts';
export { validateSpanIds } from './validate.ts';
export { encodeExportTraceResponse } from './response.ts';
export { attrToString } from './attr-string.ts';
export { truncateUtf16, wellFormed } from './strings.ts';
