import { describe, expect, it } from 'vitest';
import { clip, formatCount } from './format';

describe('formatCount', () => {
  it('writes whole counts with thousands separators, rounded, the same on server and browser', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(1234567.6)).toBe('1,234,568');
    expect(formatCount(-4200)).toBe('-4,200');
  });
});

describe('clip', () => {
  it('keeps a short text whole with no title, and cuts a long one on a code point with the whole text as its title', () => {
    expect(clip('node', 40)).toEqual({ shown: 'node' });
    expect(clip('abcdef', 6)).toEqual({ shown: 'abcdef' });
    expect(clip('abcdefg', 6)).toEqual({ shown: 'abcde…', title: 'abcdefg' });
    expect(clip('ab😀cd', 4)).toEqual({ shown: 'ab😀…', title: 'ab😀cd' });
  });
});
