import { css } from 'lit';

export default css`
  .header {
    margin: 4px 0 2px;
    font-size: 1.125rem;
  }

  .received {
    margin: 16px 0 4px;
    font-size: 1.125rem;
    font-weight: 600;
  }

  .received:focus {
    outline: none;
  }

  .answer {
    margin: 0 0 8px;
  }

  [role='status'] p:last-child {
    overflow-wrap: anywhere;
  }

  .keep-waiting {
    display: block;
    margin: 8px auto 0;
    padding: 2px 4px;
    border: none;
    background: none;
    color: var(--chat-text);
    text-decoration: underline;
  }
`;
