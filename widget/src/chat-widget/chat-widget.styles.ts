import { css } from 'lit';

export default css`
  :host {
    /* The page's --chat-accent, else the topic's colour, else ours. */
    --_accent: var(--chat-accent, var(--chat-topic-accent, #1f4fd1));
    /* The page's, else white or black, whichever the widget measured to contrast more. */
    --_accent-text: var(--chat-accent-text, var(--chat-auto-accent-text, #fff));
    --_focus: var(--chat-focus, var(--chat-text));
    --chat-text: #1b1f24;
    --chat-muted: #50565e;
    --chat-background: #ffffff;
    --chat-border: #8a9099;
    --chat-error: #b3261e;
    --chat-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --chat-radius: 12px;

    position: fixed;
    /* Logical sides: the chat sits in the corner where the page's lines end. */
    inset-inline-start: var(--chat-inset-inline-start, auto);
    inset-inline-end: var(--chat-inset-inline-end, 20px);
    inset-block-end: var(--chat-inset-block-end, 20px);
    z-index: 2147483000;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 12px;
    font-family: var(--chat-font);
    font-size: 16px;
    line-height: 1.4;
    color: var(--chat-text);
  }

  button {
    font: inherit;
    cursor: pointer;
  }

  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  /* The accent buttons. */
  .launcher,
  .submit {
    border: none;
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }

  .launcher {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 12px 20px;
    border-radius: 999px;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
  }

  .panel {
    box-sizing: border-box;
    width: min(380px, calc(100vw - 40px));
    max-height: calc(100vh - 110px);
    overflow-y: auto;
    padding: 16px 20px 20px;
    border-radius: var(--chat-radius);
    background: var(--chat-background);
    color: var(--chat-text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
    animation: open 0.16s ease-out;
  }

  @keyframes open {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .panel {
      animation: none;
    }
  }

  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
  }

  h2 {
    margin: 0;
    font-size: 1.25rem;
  }

  .close {
    display: inline-flex;
    padding: 6px;
    border: none;
    border-radius: 8px;
    background: transparent;
    color: var(--chat-text);
  }

  .intro,
  .note,
  .hint {
    color: var(--chat-muted);
  }

  .intro {
    margin: 4px 0 2px;
  }

  .note {
    margin: 0 0 10px;
    font-size: 0.875rem;
  }

  .field {
    margin-bottom: 10px;
  }

  label {
    display: block;
    margin-bottom: 2px;
    font-weight: 600;
  }

  .optional {
    font-weight: 400;
    color: var(--chat-muted);
  }

  .required {
    color: var(--chat-error);
  }

  .hint {
    margin: 0 0 4px;
    font-size: 0.875rem;
  }

  input:not([type='checkbox']),
  textarea {
    box-sizing: border-box;
    width: 100%;
    padding: 7px 10px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: var(--chat-background);
    color: var(--chat-text);
    /* 16px at least, or phones zoom in when the field gets focus. */
    font: inherit;
    font-size: max(16px, 1rem);
  }

  textarea {
    resize: vertical;
  }

  [aria-invalid='true'] {
    border-color: var(--chat-error);
    border-width: 2px;
  }

  .consent {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 4px 10px;
    align-items: start;
  }

  .consent input {
    width: 20px;
    height: 20px;
    margin: 2px 0 0;
    accent-color: var(--_accent);
  }

  .consent label {
    font-weight: 400;
  }

  .privacy {
    grid-column: 2;
    margin: 0;
    font-size: 0.875rem;
  }

  .privacy a {
    color: inherit;
  }

  .consent .error {
    grid-column: 2;
  }

  .error,
  .form-error {
    margin: 4px 0 0;
    color: var(--chat-error);
    font-size: 0.9375rem;
  }

  .form-error {
    margin: 0 0 12px;
    font-weight: 600;
  }

  .submit {
    width: 100%;
    padding: 10px 16px;
    border-radius: 8px;
  }

  .submit:disabled {
    cursor: progress;
    opacity: 0.7;
  }

  .status:empty {
    display: none;
  }

  .queued:focus {
    outline: none;
  }

  .queued {
    margin: 16px 0 4px;
    font-size: 1.125rem;
    font-weight: 600;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --chat-text: #eef1f4;
      --chat-muted: #b9c0c8;
      --chat-background: #1d2127;
      --chat-border: #8d96a0;
      --chat-error: #ff9b93;
    }
  }

  /* Phones: the open panel takes the whole screen. */
  @media (max-width: 479px) {
    .panel {
      position: fixed;
      inset: 0;
      width: 100vw;
      max-height: none;
      height: 100dvh;
      border-radius: 0;
    }
  }
`;
