/** @module pipeline/tls — outbound transport rules: https only for non-loopback targets, a minimum TLS version. */
import { isIP } from 'node:net';
import { SluiceError } from '../errors.js';

/** Outbound transport policy. */
export interface TlsOptions {
  /** Refuse plain http to non-loopback hosts (default true). */
  requireHttps?: boolean;
  /** Minimum TLS version for outbound connections (default 'TLSv1.2'). */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Hosts allowed over plain http anyway (exact hostnames). */
  insecureHosts?: string[];
}

export type ResolvedTls = Required<TlsOptions>;

/**
 * Validate TLS options at construction.
 *
 * @example
 * resolveTls({ minVersion: 'TLSv1.3' }).requireHttps; // true
 */
export function resolveTls(opts: TlsOptions | undefined): ResolvedTls {
  const tls = { requireHttps: true, minVersion: 'TLSv1.2' as const, insecureHosts: [] as string[], ...opts };
  if (typeof tls.requireHttps !== 'boolean') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'tls.requireHttps must be a boolean');
  if (tls.minVersion !== 'TLSv1.2' && tls.minVersion !== 'TLSv1.3') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'tls.minVersion must be TLSv1.2 or TLSv1.3');
  if (!Array.isArray(tls.insecureHosts) || tls.insecureHosts.some((h) => typeof h !== 'string')) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'tls.insecureHosts must be an array of hostnames');
  }
  return tls;
}

/** True for localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Throw SLUICE_ERR_INSECURE_TARGET when an outbound request would leave the machine in clear text.
 *
 * @example
 * assertSecureTarget('http:', 'api.anthropic.com', tls); // throws
 */
export function assertSecureTarget(protocol: string, hostname: string, tls: ResolvedTls): void {
  if (!tls.requireHttps || protocol === 'https:' || isLoopback(hostname)) return;
  if (tls.insecureHosts.includes(hostname.toLowerCase())) return;
  throw new SluiceError('SLUICE_ERR_INSECURE_TARGET', `${protocol}//${hostname}`, { details: { host: hostname } });
}
