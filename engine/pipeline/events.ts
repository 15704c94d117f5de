/** @module pipeline/events — the diagnostics_channel channels; publishers check `hasSubscribers` before building a message. */
import diagnostics_channel from 'node:diagnostics_channel';

/** Published once per decision: `{ phase, adapter, exchangeId, allow, reasons, status, findings }`. */
export const decisionChannel = diagnostics_channel.channel('sluice:decision');
/** Published once per phase: `{ phase, adapter, exchangeId, inspectMs, decideMs, totalMs }`. */
export const timingChannel = diagnostics_channel.channel('sluice:timing');
