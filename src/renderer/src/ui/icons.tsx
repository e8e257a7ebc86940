// Small line icons as inline SVG (emoji glyphs are missing from many Linux fonts and render as boxes).

const common = {
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
};

/** An open eye (shown) or a struck-through one (hidden). */
export function EyeIcon({ off }: { off?: boolean }) {
  return (
    <svg {...common}>
      <path d="M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z" />
      <circle cx="8" cy="8" r="2" />
      {off && <path d="M2.5 13.5l11-11" />}
    </svg>
  );
}

/** A closed padlock (locked) or an open one. */
export function LockIcon({ open }: { open?: boolean }) {
  return (
    <svg {...common}>
      <rect x="3.5" y="7" width="9" height="6.5" rx="1.2" />
      <path d={open ? 'M5.5 7V4.8a2.5 2.5 0 0 1 4.9-.7' : 'M5.5 7V4.8a2.5 2.5 0 0 1 5 0V7'} />
    </svg>
  );
}
