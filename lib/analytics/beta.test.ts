import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile, sampleBeta } from './beta';
import { seededRng } from './random';

describe('Beta distribution', () => {
  it('matches closed forms of the CDF and quantile', () => {
    // Beta(1,1) is uniform; Beta(a,1) has CDF x^a; Beta(1,b) has CDF 1-(1-x)^b; Beta(2,2) has CDF 3x²-2x³.
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 8);
    expect(betaQuantile(0.05, 3, 1)).toBeCloseTo(0.05 ** (1 / 3), 8);
    expect(betaQuantile(0.95, 1, 4)).toBeCloseTo(1 - 0.05 ** (1 / 4), 8);
    expect(betaCdf(0.3, 2, 2)).toBeCloseTo(3 * 0.09 - 2 * 0.027, 9);
    expect(betaQuantile(0.5, 2, 2)).toBeCloseTo(0.5, 8);
  });

  it('inverts the CDF for small, large and fractional parameters', () => {
    for (const [a, b] of [[0.3, 0.7], [2.5, 40], [900.2, 100.7], [0.05, 8], [7, 0.5]]) {
      for (const p of [0.001, 0.05, 0.5, 0.95, 0.999]) {
        expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 7);
      }
    }
  });

  it('samples with the right mean, repeatably for a seed', () => {
    const draw = (seed: number) => {
      const rng = seededRng(seed);
      return Array.from({ length: 4000 }, () => sampleBeta(3, 7, rng));
    };
    const xs = draw(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.3, 1.5);
    expect(draw(1)).toEqual(xs);
    expect(draw(2)).not.toEqual(xs);
  });
});
