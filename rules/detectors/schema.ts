/** @module detectors/schema — the JSON Schema every detector definition is validated against (ajv). */
import type { JSONSchemaType } from 'ajv';
import type { DetectorDefinition, ValidatorName } from '../../engine/scan/scanner.js';

const VALIDATORS: ValidatorName[] = [
  'luhn',
  'iban-mod97',
  'us-ssn',
  'github-crc32',
  'phone',
  'ip',
  'email-tld',
  'jwt',
  'aba-routing',
];

/** A JS character-class body (no brackets), e.g. `A-Za-z0-9_`. */
const charClassBody = { type: 'string', minLength: 1, maxLength: 64 } as const;

/**
 * Schema of one detector definition (`rules/detectors/<category>/<id>.json`).
 * Semantic checks ajv cannot express (the pattern compiles, the secret group exists, no
 * Hyperscan-incompatible constructs) live in the registry.
 *
 * @example
 * new Ajv({ allErrors: true }).compile(detectorSchema)(JSON.parse(text));
 */
export const detectorSchema: JSONSchemaType<DetectorDefinition> = {
  $id: 'https://sluice.dev/schemas/detector.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'category', 'description', 'pattern', 'keywords', 'maxLength', 'confidence', 'examples'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 },
    category: { type: 'string', enum: ['secret', 'pii'] },
    description: { type: 'string', minLength: 3, maxLength: 300 },
    pattern: { type: 'string', minLength: 4, maxLength: 2000 },
    caseless: { type: 'boolean', nullable: true },
    prefilter: { type: 'string', minLength: 2, maxLength: 2000, nullable: true },
    trigger: { type: 'string', minLength: 2, maxLength: 200, nullable: true },
    anchor: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['text', 'maxBefore'],
      properties: {
        text: { type: 'string', minLength: 1, maxLength: 16 },
        maxBefore: { type: 'integer', minimum: 0, maximum: 16384 },
        run: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          required: ['chars', 'max'],
          properties: {
            chars: { type: 'string', minLength: 1, maxLength: 128 },
            max: { type: 'integer', minimum: 0, maximum: 16384 },
            prefix: { type: 'string', nullable: true, minLength: 1, maxLength: 16 },
          },
        },
      },
    },
    keywords: {
      type: 'array',
      maxItems: 32,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[^A-Z]+$' },
    },
    maxLength: { type: 'integer', minimum: 4, maximum: 16384 },
    secretGroup: {
      type: ['integer', 'string'],
      nullable: true,
      anyOf: [{ type: 'integer', minimum: 1, maximum: 20 }, { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }],
    } as never,
    entropy: { type: 'number', minimum: 0, maximum: 8, nullable: true },
    validator: { type: 'string', enum: VALIDATORS, nullable: true },
    boundary: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: [],
      properties: { before: { ...charClassBody, nullable: true }, after: { ...charClassBody, nullable: true } },
    },
    context: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['words', 'window', 'boost'],
      properties: {
        words: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 2, pattern: '^[^A-Z]+$' } },
        window: { type: 'integer', minimum: 1, maximum: 512 },
        boost: { type: 'number', minimum: -1, maximum: 1 },
      },
    },
    fieldNames: {
      type: 'array',
      nullable: true,
      maxItems: 128,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[^A-Z]+$' },
    },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    minConfidence: { type: 'number', minimum: 0, maximum: 1, nullable: true },
    examples: {
      type: 'object',
      additionalProperties: false,
      required: ['match', 'noMatch'],
      properties: {
        match: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1 } },
        noMatch: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1 } },
      },
    },
  },
};
