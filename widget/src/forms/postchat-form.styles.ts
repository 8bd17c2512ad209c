import { css } from 'lit';

export default css`
  :host {
    display: block;
    margin-top: 12px;
  }

  h3 {
    margin: 0;
    font-size: 1.125rem;
  }

  h3:focus,
  .thanks:focus {
    outline: none;
  }

  p {
    margin: 4px 0;
  }

  .message,
  .transcript-label {
    color: var(--chat-muted);
  }

  .thanks {
    font-weight: 600;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  fieldset {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 2px;
    margin: 8px 0 0;
    padding: 0;
    border: none;
  }

  legend {
    padding: 0;
    margin-bottom: 2px;
    font-weight: 600;
  }

  /* The radio buttons stay in the page for the keyboard and screen readers; their labels show the stars. */
  [type='radio'] {
    position: absolute;
    opacity: 0;
    width: 1px;
    height: 1px;
    margin: 0;
  }

  .stars label {
    display: inline-flex;
    min-width: 44px;
    min-height: 44px;
    align-items: center;
    justify-content: center;
    border-radius: 8px;
    font-size: 1.75rem;
    line-height: 1;
    color: var(--chat-border);
    cursor: pointer;
  }

  .stars label.on {
    color: var(--_accent);
  }

  [type='radio']:focus-visible + label {
    outline: 3px solid var(--_focus);
    outline-offset: -2px;
  }

  .comment {
    display: block;
    margin-top: 8px;
    font-weight: 600;
  }

  textarea {
    box-sizing: border-box;
    display: block;
    width: 100%;
    margin: 2px 0 8px;
    padding: 4px 10px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: var(--chat-background);
    color: var(--chat-text);
    /* 16px at least, or phones zoom in when it gets focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    resize: vertical;
  }

  textarea:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .error {
    color: var(--chat-error);
    font-size: 0.9375rem;
  }

  .transcript-label {
    margin-top: 12px;
    font-size: 0.9375rem;
  }

  .transcript {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }

  .transcript button {
    padding: 6px 10px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: transparent;
    color: var(--chat-text);
    font-size: 0.9375rem;
  }

  .print {
    position: fixed;
    width: 0;
    height: 0;
    border: 0;
  }
`;
