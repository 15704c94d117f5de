/** @module policy/schema — JSON Schemas of the policy input and decision, compiled once with ajv. */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Decision, PolicyInput } from './types.js';

const pointer = { type: 'string', pattern: '^(/.*)?$' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

/** JSON Schema of the decision a policy returns (entrypoint `sluice/decision`). Unknown fields are rejected. */
export const decisionSchema = {
  $id: 'https://sluice.dev/schemas/decision.json',
  type: 'object',
  required: ['allow', 'reasons', 'mask', 'patch', 'approval', 'record'],
  additionalProperties: false,
  properties: {
    allow: { type: 'boolean' },
    reasons: strings,
    mask: {
      type: 'object',
      required: ['detectors', 'paths'],
      additionalProperties: false,
      properties: { detectors: { type: 'array', items: { type: 'string', minLength: 1 } }, paths: { type: 'array', items: pointer } },
    },
    patch: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op', 'path'],
        additionalProperties: false,
        properties: {
          op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
          path: pointer,
          from: pointer,
          value: {},
        },
      },
    },
    approval: {
      type: 'object',
      nullable: true,
      required: ['reason', 'approvers', 'timeout_s'],
      additionalProperties: false,
      properties: {
        reason: { type: 'string' },
        approvers: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        timeout_s: { type: 'number', exclusiveMinimum: 0 },
        kind: { enum: ['once', 'grant'] },
        grant_ttl_s: { type: 'number', exclusiveMinimum: 0 },
      },
      if: { required: ['kind'], properties: { kind: { const: 'grant' } } },
      then: { required: ['grant_ttl_s'] },
    },
    record: { type: 'boolean' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
  },
} as const;

/** JSON Schema of the compact input the engine builds. Extra fields are allowed (teams may add facts). */
export const policyInputSchema = {
  $id: 'https://sluice.dev/schemas/policy-input.json',
  type: 'object',
  required: ['phase', 'adapter', 'identity', 'http', 'llm', 'findings', 'body'],
  properties: {
    phase: { enum: ['request', 'response', 'tool_call'] },
    adapter: { type: 'string' },
    identity: {
      type: 'object',
      required: ['authenticated'],
      properties: {
        authenticated: { type: 'boolean' },
        sub: { type: 'string', nullable: true },
        groups: strings,
        claims: { type: 'object' },
        method: { type: 'string' },
        reason: { type: 'string' },
      },
    },
    http: {
      type: 'object',
      required: ['method', 'host', 'path'],
      properties: {
        method: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        status: { type: 'integer', nullable: true },
        headers: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, strings] } },
      },
    },
    llm: {
      type: 'object',
      nullable: true,
      required: ['provider'],
      properties: {
        provider: { type: 'string' },
        model: { type: 'string', nullable: true },
        stream: { type: 'boolean' },
        tools: strings,
        tool_calls: {
          type: 'array',
          items: { type: 'object', required: ['name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
        },
      },
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['detector', 'category', 'path', 'count'],
        properties: {
          detector: { type: 'string' },
          category: { type: 'string' },
          path: { type: 'string' },
          count: { type: 'integer', minimum: 0 },
        },
      },
    },
    body: {
      type: 'object',
      required: ['bytes'],
      properties: { bytes: { type: 'integer', minimum: 0 }, truncated: { type: 'boolean' } },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });

/** The compiled decision validator (compiled once, when this module loads). */
export const validateDecision = ajv.compile(decisionSchema) as ValidateFunction<Decision>;

/** The compiled input validator (compiled once, when this module loads). */
export const validatePolicyInput = ajv.compile(policyInputSchema) as ValidateFunction<PolicyInput>;

/**
 * The first schema error of the last failed validation, as one line.
 *
 * @example
 * if (!validateDecision(value)) throw new Error(schemaErrorText(validateDecision));
 */
export function schemaErrorText(validate: ValidateFunction, dataVar = 'decision'): string {
  return ajv.errorsText(validate.errors, { dataVar });
}
