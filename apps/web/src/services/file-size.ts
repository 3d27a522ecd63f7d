const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** A byte count as people read it, in the locale's words: `12 kB`, `3.4 MB` (powers of 1,024). */
export const formatBytes = (bytes: number, locale: string): string => {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[unit],
    // "218 bytes" reads better than the short "218 byte".
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).format(value);
};

/** The box an image of `width`×`height` is shown in, within `max`, keeping its shape. */
export const fitInto = (
  size: { width?: number; height?: number },
  max: { width: number; height: number },
): { width: number; height: number } => {
  const { width, height } = size;
  if (!width || !height)
    return { width: Math.round(max.width * 0.75), height: Math.round(max.height * 0.75) };
  const scale = Math.min(1, max.width / width, max.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
};
