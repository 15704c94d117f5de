/** @module pipeline/events — diagnostics_channel events, published only when someone listens. */
import diagnostics_channel from 'node:diagnostics_channel';

/** Published once per decision: `{ phase, adapter, exchangeId, allow, reasons, status, findings }`. */
export const decisionChannel = diagnostics_channel.channel('sluice:decision');
/** Published once per phase: `{ phase, adapter, exchangeId, inspectMs, decideMs, totalMs }`. */
export const timingChannel = diagnostics_channel.channel('sluice:timing');

/**
 * Publish on `channel` only when it has subscribers; `make` builds the message lazily.
 *
 * @example
 * publish(decisionChannel, () => ({ phase: 'request', allow: true }));
 */
export function publish(channel: diagnostics_channel.Channel, make: () => object): void {
  if (channel.hasSubscribers) channel.publish(make());
}
