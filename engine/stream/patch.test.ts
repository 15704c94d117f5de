/** @module stream/patch.test — policy JSON Patch operations applied to bodies, coded errors. */
import { describe, it, expect } from 'vitest';
import { applyPatch } from './patch.js';

describe('applyPatch', () => {
  it('applies operations and returns the same body for none', () => {
    const body = Buffer.from('{"tools":[{"name":"a"},{"name":"b"}],"model":"m"}');
    expect(applyPatch(body, [])).toBe(body);
    const out = applyPatch(body, [{ op: 'remove', path: '/tools/1' }, { op: 'replace', path: '/model', value: 'x' }]);
    expect(JSON.parse(Buffer.from(out).toString())).toEqual({ tools: [{ name: 'a' }], model: 'x' });
  });
  it('fails closed with SLUICE_ERR_PATCH on bad operations or bodies', () => {
    const body = Buffer.from('{"a":1}');
    expect(() => applyPatch(body, [{ op: 'remove', path: '/nope' }])).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_PATCH' }));
    expect(() => applyPatch(body, [{ op: 'test', path: '/a', value: 2 }])).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_PATCH' }));
    expect(() => applyPatch(Buffer.from('{'), [{ op: 'add', path: '/a', value: 1 }])).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_PATCH' }));
    expect(() => applyPatch(body, [{ op: 'bogus', path: '/a' } as never])).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_PATCH' }));
  });
});
