/** @module audit/sinks — the stdout sink and the user-function sink (the file sink lives in file-sink.ts). */
import type { AuditRecord, AuditSink } from './types.js';

/**
 * A sink writing JSON Lines to a stream (stdout by default). Rejects when the stream reports an error.
 *
 * @example
 * const log = createAuditLog({ sink: createStreamSink() });
 */
export function createStreamSink(stream: NodeJS.WritableStream = process.stdout): AuditSink {
  return {
    async open() {
      return null;
    },
    write(lines: string) {
      return new Promise<void>((resolve, reject) => {
        stream.write(lines, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
    },
    async sync() {},
    async close() {},
  };
}

/** A user function receiving each chained record and its line; a throw or rejection is a sink failure. */
export type AuditRecordHandler = (record: AuditRecord, line: string) => void | Promise<void>;

/**
 * A sink calling a user function once per record, in order, awaiting each call.
 *
 * @example
 * const log = createAuditLog({ sink: createFunctionSink(async (record) => queue.push(record)) });
 */
export function createFunctionSink(handler: AuditRecordHandler): AuditSink {
  return {
    async open() {
      return null;
    },
    async write(lines: string, records: AuditRecord[]) {
      const split = lines.split('\n');
      for (let i = 0; i < records.length; i++) await handler(records[i]!, split[i]!);
    },
    async sync() {},
    async close() {},
  };
}
