/** A horizontal bar chart in plain SVG (no chart library is installed; counts per class or split read fine). */
export function Bars({
  data,
  color = '#4c8dff',
  testId,
}: {
  data: { label: string; value: number; color?: string }[];
  color?: string;
  testId?: string;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 22;
  const labelW = 110;
  const width = 420;
  return (
    <svg
      className="bars"
      width="100%"
      viewBox={`0 0 ${width} ${Math.max(row, data.length * row)}`}
      data-testid={testId}
      role="img"
    >
      {data.map((d, i) => {
        const w = ((width - labelW - 50) * d.value) / max;
        return (
          <g key={d.label} transform={`translate(0, ${i * row})`}>
            <text className="lbl" x={labelW - 8} y={row / 2 + 4} textAnchor="end">
              {d.label.length > 16 ? d.label.slice(0, 15) + '…' : d.label}
            </text>
            <rect x={labelW} y={4} width={Math.max(1, w)} height={row - 8} rx={2} fill={d.color ?? color} />
            <text x={labelW + w + 6} y={row / 2 + 4}>
              {d.value.toLocaleString()}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
