import type { EChartsCoreOption } from 'echarts/core';

/**
 * Chart options are written in the light palette (pure functions, tested without a
 * page). Drawing them, the neutral colours (text, muted text, grid lines) are swapped
 * for the page's current tokens, so a chart follows the light or dark scheme; the data
 * colours (series, ramps) stay, since they are chosen to read on both.
 */
const NEUTRALS: Record<string, string> = {
  '#1e293b': '--text',
  '#334155': '--text',
  '#64748b': '--text-muted',
  '#eef2f6': '--grid-line',
  '#e2e8f0': '--border',
  // The one soft fill behind data (a trend's case counts): it must not glare on a dark page.
  '#e8f0f9': '--accent-soft',
};

/**
 * A colour token's value in the scheme in force, as `rgb(…)`. The tokens are written
 * `light-dark(…)`, which only a colour property resolves, so a probe element reads it.
 */
export function cssColour(token: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const probe = document.createElement('span');
  probe.style.color = `var(${token})`;
  probe.style.display = 'none';
  document.body.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour || fallback;
}

function tokens(): Map<string, string> {
  return new Map(Object.entries(NEUTRALS).map(([light, token]) => [light, cssColour(token, light)]));
}

function swap(value: unknown, colours: Map<string, string>): unknown {
  if (typeof value === 'string') return colours.get(value.toLowerCase()) ?? value;
  if (Array.isArray(value)) return value.map((item) => swap(item, colours));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, swap(item, colours)]));
  }
  return value;
}

/** The option with the page's neutral colours, and text and axes in them by default. */
export function themed(option: EChartsCoreOption): EChartsCoreOption {
  const colours = tokens();
  const text = colours.get('#1e293b') ?? '#1e293b';
  const muted = colours.get('#64748b') ?? '#64748b';
  const swapped = swap(option, colours) as EChartsCoreOption;
  return {
    backgroundColor: 'transparent',
    textStyle: { color: text },
    legend: { textStyle: { color: text } },
    ...swapped,
    ...(swapped.legend !== undefined && { legend: withText(swapped.legend, text) }),
    ...(swapped.xAxis !== undefined && { xAxis: axes(swapped.xAxis, muted) }),
    ...(swapped.yAxis !== undefined && { yAxis: axes(swapped.yAxis, muted) }),
  };
}

function withText(legend: unknown, color: string): unknown {
  if (Array.isArray(legend)) return legend.map((one) => withText(one, color));
  if (legend === null || typeof legend !== 'object') return legend;
  const given = legend as { textStyle?: object };
  return { ...given, textStyle: { color, ...given.textStyle } };
}

function axes(axis: unknown, color: string): unknown {
  if (Array.isArray(axis)) return axis.map((one) => axes(one, color));
  if (axis === null || typeof axis !== 'object') return axis;
  const given = axis as { axisLabel?: object; axisLine?: { lineStyle?: object }; nameTextStyle?: object };
  return {
    ...given,
    axisLabel: { color, ...given.axisLabel },
    nameTextStyle: { color, ...given.nameTextStyle },
    axisLine: { ...given.axisLine, lineStyle: { color, ...given.axisLine?.lineStyle } },
  };
}
