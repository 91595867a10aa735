import { describe, expect, it } from 'vitest';
import { safeNextPath } from './redirect';

describe('safeNextPath', () => {
  it.each([
    // Another origin, however it is spelled: the fallback.
    ['/\\evil.example/x', '/overview'],
    ['/\t/evil.example/x', '/overview'],
    ['/\n/evil.example/x', '/overview'],
    ['/\r\n/evil.example', '/overview'],
    ['//evil.example/x', '/overview'],
    ['/\\/evil.example', '/overview'],
    ['\\\\evil.example', '/overview'],
    ['/.//evil.example', '/overview'],
    ['/..//evil.example', '/overview'],
    ['https://evil.example/overview', '/overview'],
    ['http:evil.example', '/overview'],
    ['javascript:alert(1)', '/overview'],
    [' /overview', '/overview'],
    ['%2F%2Fevil.example', '/overview'],
    ['', '/overview'],
    [null, '/overview'],
    [undefined, '/overview'],
    // Same-origin paths: kept, normalised as the browser would.
    ['/interventions', '/interventions'],
    ['/sessions?status=paused&page=2#top', '/sessions?status=paused&page=2#top'],
    ['/checklists/../settings', '/settings'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/@evil.example', '/@evil.example'],
  ])('%j → %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it('uses the given fallback', () => {
    expect(safeNextPath('//evil.example', '/')).toBe('/');
  });
});
