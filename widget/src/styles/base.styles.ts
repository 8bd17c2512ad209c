import { css } from 'lit';

/** What the widget's elements share: buttons, the focus ring and the accent button. */
export default css`
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

  /* The main action: the launcher, and the button that sends the form or starts a new chat. */
  .accent {
    border: none;
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }

  .primary {
    width: 100%;
    padding: 10px 16px;
    border-radius: 8px;
  }
`;
