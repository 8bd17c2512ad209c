import { css } from 'lit';

export default css`
  /* As tall as the panel lets it be: the log scrolls, the composer stays at the bottom. */
  :host {
    --_bubble: var(--chat-bubble, #eceff3);
    display: flex;
    flex-direction: column;
    flex: 1 1 auto;
    min-height: 0;
    height: 480px;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  /* With the post-chat form below it, the ended chat's log takes less of the panel. */
  :host(.after) {
    height: 300px;
  }

  :host([data-form]) {
    height: auto;
  }

  .offer:empty {
    display: none;
  }

  .offer {
    margin-top: 8px;
  }

  .leave {
    align-self: flex-start;
    margin-top: 6px;
    padding: 6px 12px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: transparent;
    color: var(--chat-text);
  }

  .reopen {
    margin: 0 0 4px;
    color: var(--chat-muted);
    font-size: 0.875rem;
  }

  .log {
    flex: 1 1 auto;
    min-height: 120px;
    overflow-y: auto;
    overscroll-behavior: contain;
    margin: 8px -8px 0;
    padding: 4px 8px;
    border-radius: 8px;
  }

  .log:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: -3px;
  }

  ol {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  li {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 85%;
  }

  p {
    margin: 0;
  }

  .mine {
    align-self: flex-end;
    align-items: flex-end;
  }

  .meta,
  .note,
  .typing,
  .failure,
  .end-failed {
    color: var(--chat-muted);
    font-size: 0.8125rem;
  }

  .meta {
    display: flex;
    gap: 6px;
    margin-bottom: 2px;
  }

  .author {
    font-weight: 600;
  }

  .bubble {
    padding: 8px 12px;
    border-radius: 16px;
    border-start-start-radius: 4px;
    background: var(--_bubble);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .mine .bubble {
    border-radius: 16px;
    border-start-end-radius: 4px;
    background: var(--_accent);
    color: var(--_accent-text);
  }

  [data-state='sending'] .bubble {
    opacity: 0.75;
  }

  [data-state='failed'] .bubble {
    outline: 2px dashed var(--chat-error);
    outline-offset: 1px;
  }

  .bubble a {
    color: inherit;
  }

  .note {
    align-self: center;
    max-width: 100%;
    text-align: center;
  }

  .failure {
    margin-top: 4px;
    color: var(--chat-error);
  }

  .retry,
  .end {
    padding: 2px 4px;
    border: none;
    background: none;
    color: var(--chat-text);
    text-decoration: underline;
  }

  .typing {
    min-height: 1.4em;
    margin: 2px 0;
    font-style: italic;
  }

  .composer {
    display: flex;
    gap: 8px;
    align-items: flex-end;
  }

  textarea {
    flex: 1;
    box-sizing: border-box;
    min-height: 44px;
    max-height: 9em;
    field-sizing: content;
    padding: 9px 12px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: var(--chat-background);
    color: var(--chat-text);
    /* 16px at least, or phones zoom in when it gets focus. */
    font: inherit;
    font-size: max(16px, 1rem);
    resize: none;
  }

  textarea:disabled {
    opacity: 0.6;
  }

  .send {
    min-height: 44px;
    padding: 0 16px;
    border-radius: 8px;
  }

  .send:disabled {
    cursor: default;
    opacity: 0.6;
  }

  .end {
    align-self: center;
    margin-top: 8px;
    font-size: 0.9375rem;
  }

  .end-failed {
    align-self: center;
    color: var(--chat-error);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bubble: var(--chat-bubble, #2c323a);
    }
  }
`;
