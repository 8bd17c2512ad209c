import { css, unsafeCSS } from 'lit';

/** What every part of the console shares: colours (light and dark), controls and the focus ring. */
export const base = css`
  :host {
    --bg: #f6f7f9;
    --panel: #ffffff;
    --text: #1b1f24;
    --muted: #57606a;
    --line: #d0d7de;
    --accent: #0b5cad;
    --accent-text: #ffffff;
    --accent-soft: #e6f0fa;
    --danger: #b42318;
    --ok: #1a7f37;
    --mine: #e6f0fa;
    --theirs: #eef1f4;
    --focus: #0b5cad;
    color-scheme: light dark;
    font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color: var(--text);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #0d1117;
      --panel: #161b22;
      --text: #e6edf3;
      --muted: #9aa5b1;
      --line: #30363d;
      --accent: #4493f8;
      --accent-text: #0d1117;
      --accent-soft: #15283f;
      --danger: #ff7b72;
      --ok: #3fb950;
      --mine: #15283f;
      --theirs: #21262d;
      --focus: #79b8ff;
    }
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }

  button {
    cursor: pointer;
    border: 1px solid var(--line);
    background: var(--panel);
    border-radius: 6px;
    padding: 5px 12px;
  }

  button:disabled {
    cursor: default;
    opacity: 0.6;
  }

  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-text);
    font-weight: 600;
  }

  button.danger {
    color: var(--danger);
  }

  input,
  select,
  textarea {
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 6px 8px;
    background: var(--panel);
  }

  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 1px;
  }

  a {
    color: var(--accent);
  }

  .muted {
    color: var(--muted);
  }

  .error {
    color: var(--danger);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  h2 {
    font-size: 1rem;
    margin: 0 0 8px;
  }

  /* A list of things to choose from: no markers, a little apart. */
  .choices {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 6px;
  }

  /* The one chosen: the chat, topic or view in view. */
  button[aria-current='true'],
  button[aria-current='page'] {
    border-color: var(--accent);
    background: var(--accent-soft);
  }

  /* Present (green) or away. */
  .dot {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--muted);
  }

  .dot.present {
    background: var(--ok);
  }

  dialog {
    border: 1px solid var(--line);
    border-radius: 10px;
    background: var(--panel);
    color: var(--text);
    padding: 20px;
    max-width: min(480px, 92vw);
  }

  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
`;

/** The colours of a chat's Rank (the agent's first chat 1, its second 2…), the same in every list: `class=${rankClass(rank)}`. */
const rankColours = ['#0b5cad', '#b35900', '#1a7f37', '#8250df', '#bf3989', '#0a7b83', '#6e7781'];
export const rankClass = (rank: number) => `rank rank-${(Math.max(1, rank) - 1) % rankColours.length}`;
export const ranks = [
  // The chat's Rank, its number on its colour: not told by colour alone.
  css`
    .rank {
      width: 20px;
      height: 20px;
      border-radius: 50%;
      flex: none;
      display: inline-grid;
      place-items: center;
      color: #fff;
      font-size: 0.72rem;
      font-weight: 700;
      line-height: 1;
    }
  `,
  unsafeCSS(rankColours.map((colour, index) => `.rank-${index}{background:${colour}}`).join('')),
];
