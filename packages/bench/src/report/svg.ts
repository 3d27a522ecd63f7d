/** A small dependency-free SVG line-chart writer (no fonts or scripts fetched from anywhere). */

export interface Point {
  x: number;
  y: number;
  /** Drawn hollow: the step was not sustained. */
  open?: boolean;
}

export interface Series {
  name: string;
  color: string;
  dash?: string;
  points: Point[];
  /** Draw a dot at every point (default true). */
  dots?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  series: Series[];
  /** Labelled vertical lines (e.g. the end of a warm-up). */
  markers?: { x: number; label: string }[];
}

const esc = (s: string) =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const fmt = (v: number) =>
  v >= 1e6
    ? `${v / 1e6}M`
    : v >= 1000
      ? `${Number((v / 1000).toFixed(1))}k`
      : `${Number(v.toFixed(v < 10 ? 1 : 0))}`;

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function panel(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const out: string[] = [];
  const left = x0 + 60;
  const right = x0 + w - 10;
  const top = y0 + 30;
  const bottom = y0 + h - 45;
  const all = p.series.flatMap((s) => s.points);
  const markers = p.markers ?? [];
  const xMax = Math.max(1, ...all.map((pt) => pt.x), ...markers.map((m) => m.x)) * 1.05;
  const xStep = niceStep(xMax, 6);
  const yValues = all.map((pt) => pt.y).filter((y) => y > 0);
  let yTicks: number[];
  let yMin: number;
  let yMax: number;
  if (p.logY) {
    yMin = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...yValues, 1))));
    yMax = 10 ** Math.ceil(Math.log10(Math.max(...yValues, 10)));
    yTicks = [];
    for (let v = yMin; v <= yMax * 1.001; v *= 10) yTicks.push(v);
  } else {
    yMin = 0;
    const step = niceStep(Math.max(1, ...yValues) * 1.1, 5);
    yMax = Math.ceil((Math.max(1, ...yValues) * 1.1) / step) * step;
    yTicks = [];
    for (let v = 0; v <= yMax + step / 2; v += step) yTicks.push(v);
  }
  const sx = (x: number) => left + (x / xMax) * (right - left);
  const sy = (y: number) =>
    p.logY
      ? bottom -
        ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) /
          (Math.log10(yMax) - Math.log10(yMin))) *
          (bottom - top)
      : bottom - ((y - yMin) / (yMax - yMin)) * (bottom - top);
  out.push(
    `<text x="${(left + right) / 2}" y="${y0 + 18}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
  );
  for (const t of yTicks) {
    const y = sy(t);
    out.push(`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (let x = 0; x <= xMax; x += xStep) {
    const px = sx(x);
    out.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${bottom}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px}" y="${bottom + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#888"/>`,
  );
  out.push(
    `<text x="${(left + right) / 2}" y="${bottom + 36}" text-anchor="middle">${esc(p.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${x0 + 14},${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
  );
  for (const m of markers) {
    const px = sx(m.x).toFixed(1);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${top}" y2="${bottom}" stroke="#555" stroke-dasharray="4 3"/>`,
      `<text x="${Number(px) + 4}" y="${top + 14}" fill="#555">${esc(m.label)}</text>`,
    );
  }
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const d = s.points
      .map((pt, i) => `${i === 0 ? 'M' : 'L'}${sx(pt.x).toFixed(1)},${sy(pt.y).toFixed(1)}`)
      .join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    for (const pt of s.dots === false ? [] : s.points) {
      out.push(
        `<circle cx="${sx(pt.x).toFixed(1)}" cy="${sy(pt.y).toFixed(1)}" r="3.5" stroke="${s.color}" stroke-width="1.5" fill="${pt.open ? 'white' : s.color}"/>`,
      );
    }
  }
  return out.join('\n');
}

/** Panels side by side, one shared legend below. */
export function chart(
  panels: readonly Panel[],
  caption: string,
  legend: readonly { name: string; color: string; dash?: string }[],
): string {
  const pw = 470;
  const ph = 340;
  const legendRows = Math.ceil(legend.length / 2);
  const width = pw * panels.length;
  const height = ph + 24 + legendRows * 20 + 20;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * pw, 0, pw, ph)),
  ];
  legend.forEach((s, i) => {
    const x = 70 + (i % 2) * (width / 2);
    const y = ph + 10 + Math.floor(i / 2) * 20;
    out.push(
      `<line x1="${x}" x2="${x + 30}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${x + 38}" y="${y + 4}">${esc(s.name)}</text>`,
    );
  });
  out.push(
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" fill="#555">${esc(caption)}</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
