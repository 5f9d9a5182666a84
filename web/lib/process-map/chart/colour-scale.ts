/** Colours of the process map: a light→dark blue ramp for frequency, grey→red for slowness. */

/**
 * Node fill by event count, light to dark blue (after ColorBrewer "Blues") in two
 * halves: mid blues (luminance 0.18–0.25) give neither dark nor white text a 4.5:1
 * contrast, so the scale steps over them where the text turns white.
 */
export const FREQUENCY_LIGHT = ['#f4f8fc', '#d6e6f4', '#aacbe7', '#78aad6'] as const;
export const FREQUENCY_DARK = ['#2f74b4', '#225f9c', '#0d3f73'] as const;
/** Edge stroke by count, frequency view: quiet grey-blue to dark slate. */
export const EDGE_FREQUENCY_RAMP = ['#b9c4d2', '#7e8fa6', '#3d5270'] as const;
/** Edge stroke by median duration, performance view: grey, then amber, then red for the slowest handoffs. */
export const EDGE_SLOWNESS_RAMP = ['#bcc5d1', '#e0a458', '#d9622b', '#b3261e'] as const;

export const DARK_TEXT = '#14233a';
export const LIGHT_TEXT = '#ffffff';

/**
 * Where `value` sits between `min` and `max` on a log scale, 0–1. Counts and durations
 * in event logs span orders of magnitude; on a linear scale all but the top few would
 * look the same. A degenerate range (min = max) gives 1, so a lone value is emphasised.
 */
export function logPosition(value: number, min: number, max: number): number {
  if (!(max > min)) return 1;
  const lo = Math.log1p(Math.max(0, min));
  const hi = Math.log1p(Math.max(0, max));
  return clamp01((Math.log1p(Math.max(0, value)) - lo) / (hi - lo));
}

/** The colour at `t` (0–1) along a ramp of hex colours, interpolated in linear RGB. */
export function colourAt(ramp: readonly string[], t: number): string {
  if (ramp.length === 0) throw new Error('a colour ramp needs at least one colour');
  const position = clamp01(t) * (ramp.length - 1);
  const index = Math.min(ramp.length - 2, Math.floor(position));
  if (ramp.length === 1) return ramp[0] as string;
  const from = toLinear(parseHex(ramp[index] as string));
  const to = toLinear(parseHex(ramp[index + 1] as string));
  const f = position - index;
  return toHex(fromLinear(from.map((channel, i) => channel + ((to[i] as number) - channel) * f) as Rgb));
}

/** The node fill for a frequency position `t` (0–1; see logPosition). */
export function frequencyFill(t: number): string {
  const u = clamp01(t);
  return u < 0.5 ? colourAt(FREQUENCY_LIGHT, u / 0.5) : colourAt(FREQUENCY_DARK, (u - 0.5) / 0.5);
}

/** WCAG relative luminance of a hex colour, 0 (black) – 1 (white). */
export function luminance(hex: string): number {
  const [r, g, b] = toLinear(parseHex(hex));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours, 1–21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Dark or white text, whichever contrasts more with `fill`. */
export function textColourOn(fill: string): string {
  return contrastRatio(fill, DARK_TEXT) >= contrastRatio(fill, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
}

/** A slightly darker shade of `hex`, for outlines. */
export function darken(hex: string, amount: number): string {
  return toHex(parseHex(hex).map((channel) => channel * (1 - clamp01(amount))) as Rgb);
}

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match?.[1]) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = Number.parseInt(match[1], 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => Math.round(Math.min(255, Math.max(0, channel))).toString(16).padStart(2, '0')).join('')}`;
}

function toLinear(rgb: Rgb): Rgb {
  return rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
}

function fromLinear(rgb: Rgb): Rgb {
  return rgb.map((c) => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055)) as Rgb;
}

function clamp01(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
}
