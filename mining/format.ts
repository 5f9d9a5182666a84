const UNITS: readonly [label: string, seconds: number][] = [
  ['y', 365 * 86400],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * A duration in seconds as people read it: the two largest non-zero units
 * ("3d 4h", "2h 5m", "45s"); under a second, milliseconds ("120ms").
 */
export function humanizeSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  if (rest === 0) return '0s';
  if (rest < 1) return `${sign}${Math.round(rest * 1000)}ms`;
  rest = Math.round(rest);
  const parts: string[] = [];
  for (const [label, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    } else if (parts.length > 0) {
      break; // units must be adjacent: "1d 3m" would mislead, "1d" is honest
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}
