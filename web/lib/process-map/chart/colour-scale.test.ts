import { describe, expect, it } from 'vitest';
import { colourAt, contrastRatio, DARK_TEXT, darken, EDGE_SLOWNESS_RAMP, frequencyFill, LIGHT_TEXT, logPosition, luminance, textColourOn } from './colour-scale.ts';

describe('logPosition', () => {
  it('maps the range ends to 0 and 1 and is monotonic between', () => {
    expect(logPosition(1, 1, 1000)).toBe(0);
    expect(logPosition(1000, 1, 1000)).toBe(1);
    const steps = [1, 5, 20, 100, 400, 1000].map((value) => logPosition(value, 1, 1000));
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('spreads small values apart the way a linear scale would not', () => {
    // 10 of 1000 is 1% linearly but a third of the way up on the log scale.
    expect(logPosition(10, 0, 1000)).toBeGreaterThan(0.3);
  });

  it('emphasises a lone value and clamps outliers', () => {
    expect(logPosition(7, 7, 7)).toBe(1);
    expect(logPosition(5000, 1, 1000)).toBe(1);
    expect(logPosition(-3, 0, 10)).toBe(0);
  });
});

describe('colourAt', () => {
  it('returns the ramp ends exactly and interpolates between', () => {
    expect(colourAt(['#000000', '#ffffff'], 0)).toBe('#000000');
    expect(colourAt(['#000000', '#ffffff'], 1)).toBe('#ffffff');
    expect(luminance(colourAt(['#000000', '#ffffff'], 0.5))).toBeCloseTo(0.5, 2);
  });

  it('ends the slowness ramp in red', () => {
    const slowest = colourAt(EDGE_SLOWNESS_RAMP, 1);
    expect(Number.parseInt(slowest.slice(1, 3), 16)).toBeGreaterThan(2 * Number.parseInt(slowest.slice(3, 5), 16));
  });
});

describe('frequencyFill', () => {
  it('gets darker with frequency, from nearly white to dark blue', () => {
    const shades = [0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => luminance(frequencyFill(t)));
    for (let i = 1; i < shades.length; i++) expect(shades[i]).toBeLessThan(shades[i - 1] as number);
    expect(shades[0]).toBeGreaterThan(0.85);
    const darkest = frequencyFill(1);
    expect(Number.parseInt(darkest.slice(5, 7), 16)).toBeGreaterThan(2 * Number.parseInt(darkest.slice(1, 3), 16)); // blue, not grey
  });
});

describe('textColourOn', () => {
  it('puts dark text on light fills and white text on dark fills', () => {
    expect(textColourOn(frequencyFill(0))).toBe(DARK_TEXT);
    expect(textColourOn(frequencyFill(1))).toBe(LIGHT_TEXT);
  });

  it('keeps names readable (WCAG AA, 4.5:1) at every shade of the ramp', () => {
    for (let t = 0; t <= 1; t += 0.01) {
      const fill = frequencyFill(t);
      expect(contrastRatio(fill, textColourOn(fill))).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('contrastRatio and darken', () => {
  it('matches the WCAG extremes', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
  });

  it('darkens without changing hue', () => {
    expect(darken('#4080c0', 0.5)).toBe('#204060');
  });
});
