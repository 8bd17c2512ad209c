import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .intro,
  .note,
  .hint {
    color: var(--chat-muted);
  }

  .intro {
    margin: 2px 0;
  }

  .note {
    margin: 0 0 8px;
    font-size: 0.875rem;
  }

  .field {
    margin-bottom: 6px;
  }

  label {
    display: block;
    font-weight: 600;
    line-height: 1.25;
  }

  .optional {
    font-weight: 400;
    color: var(--chat-muted);
  }

  .required {
    color: var(--chat-error);
  }

  .hint {
    margin: 0 0 2px;
    font-size: 0.875rem;
    line-height: 1.25;
  }

  input:not([type='checkbox']),
  textarea {
    box-sizing: border-box;
    width: 100%;
    margin: 2px 0 0;
    padding: 4px 10px;
    border: 1px solid var(--chat-border);
    border-radius: 8px;
    background: var(--chat-background);
    color: var(--chat-text);
    /* 16px at least, or phones zoom in when the field gets focus. */
    font: inherit;
    font-size: max(16px, 1rem);
  }

  textarea {
    display: block;
    resize: vertical;
  }

  [aria-invalid='true'] {
    border-color: var(--chat-error);
    border-width: 2px;
  }

  .consent {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px 10px;
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
    line-height: 1.3;
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
    margin-top: 4px;
  }

  .submit:disabled {
    cursor: progress;
    opacity: 0.7;
  }
`;
