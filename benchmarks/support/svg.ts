/** A hand-written SVG line chart (log-free, linear axes), enough for "how cost grows" plots. */
export interface Series {
  name: string;
  points: [number, number][];
}

/** Ten distinguishable colours (Tableau 10); series beyond ten are dashed. */
const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#4b4b4b',
];
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}
const label = (v: number) =>
  v >= 1e6 ? `${+(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(2)}k` : `${+v.toFixed(2)}`;

export function lineChart(o: { title: string; x: string; y: string; series: Series[]; xs?: number[] }): string {
  const W = 760,
    H = 380,
    L = 70,
    R = 250,
    T = 40,
    B = 50;
  const all = o.series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(...all.map((p) => p[0])));
  const yMax = niceMax(Math.max(...all.map((p) => p[1])));
  const sx = (x: number) => L + (x / xMax) * (W - L - R);
  const sy = (y: number) => H - B - (y / yMax) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="600">${esc(o.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e7eb"/>`,
      `<text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${label(y)}</text>`,
    );
  }
  for (const x of o.xs ?? [...new Set(all.map((p) => p[0]))]) {
    out.push(`<text x="${sx(x)}" y="${H - B + 16}" text-anchor="middle">${label(x)}</text>`);
  }
  out.push(
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#111"/>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#111"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.x)}</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.y)}</text>`,
  );
  o.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    const dash = i >= COLORS.length ? ' stroke-dasharray="6 3"' : '';
    out.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of pts)
      out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${c}"/>`);
    out.push(
      `<rect x="${W - R + 12}" y="${T + i * 20}" width="12" height="12" fill="${c}"/>`,
      `<text x="${W - R + 30}" y="${T + i * 20 + 10}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
