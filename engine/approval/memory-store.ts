/** @module approval/memory-store — an in-memory ApprovalStore for tests and single-process use. */
import type { ApprovalRecord, ApprovalState, ApprovalStore } from './types.js';

/**
 * A store keeping records in a Map; nothing survives the process.
 *
 * @example
 * const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 60 });
 */
export function createMemoryStore(): ApprovalStore {
  const records = new Map<string, ApprovalRecord>();
  return {
    async refresh() {},
    async get(id) {
      const record = records.get(id);
      return record && structuredClone(record);
    },
    async list() {
      return [...records.values()].map((r) => structuredClone(r));
    },
    async create(record) {
      records.set(record.id, structuredClone(record));
    },
    async update(id: string, from: ApprovalState[], patch: Partial<ApprovalRecord>) {
      const current = records.get(id);
      if (!current || !from.includes(current.state)) return undefined;
      const next = { ...current, ...patch, id };
      records.set(id, next);
      return structuredClone(next);
    },
    async close() {},
  };
}
