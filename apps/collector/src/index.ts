export { Collector, type ExportResult } from './collector.ts';
export { collectorConfigFromEnv, type CollectorConfig } from './config.ts';
export { createCollectorServer, listen, isLoopback } from './http/server.ts';
export { PermanentError, RetryableError } from './errors.ts';
export { Wal, encodeRecord, decodeSegment } from './wal.ts';
export { convertRequest, type ConvertOptions } from './pipeline/convert.ts';
export { createGrpcServer, listenGrpc, closeGrpc } from './grpc/server.ts';
export { Scraper, parseScrapeTarget, type ScrapeTarget } from './scrape/scraper.ts';
export { parsePromText, PromParseError, type PromFamily, type PromSample } from './scrape/prom-text.ts';
