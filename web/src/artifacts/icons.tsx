/** Small inline icons (no emoji: a machine without an emoji font draws those as empty boxes). */
const common = { width: 14, height: 14, viewBox: "0 0 16 16", "aria-hidden": true, className: "icon" } as const;

export const LockIcon = (): React.JSX.Element => (
  <svg {...common}>
    <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" fill="currentColor" />
  </svg>
);

export const FolderIcon = (): React.JSX.Element => (
  <svg {...common}>
    <path d="M1 3h5l2 2h7v9H1z" fill="currentColor" opacity="0.75" />
  </svg>
);

export const FileIcon = (): React.JSX.Element => (
  <svg {...common}>
    <path d="M3 1h6l4 4v10H3zM9 1v4h4" fill="none" stroke="currentColor" strokeWidth="1.3" />
  </svg>
);

export const LinkIcon = (): React.JSX.Element => (
  <svg {...common}>
    <path d="M6.5 9.5l3-3M7 4.5l1.5-1.5a2.5 2.5 0 0 1 3.5 3.5L10.5 8M9 11.5L7.5 13a2.5 2.5 0 0 1-3.5-3.5L5.5 8" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </svg>
);

export const DownloadIcon = (): React.JSX.Element => (
  <svg {...common}>
    <path d="M8 2v8M4.5 6.5L8 10l3.5-3.5M2.5 13.5h11" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
