import { css } from 'lit';

export default css`
  :host {
    /* The page's --chat-accent, else the topic's colour, else ours. */
    --_accent: var(--chat-accent, var(--_topic-accent, #1f4fd1));
    /* The page's, else white or black, whichever the widget measured to contrast more. */
    --_accent-text: var(--chat-accent-text, var(--_auto-accent-text, #fff));
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

  .launcher {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 12px 20px;
    border-radius: 999px;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
  }

  /*
   * A dialog shown in place of the launcher, in its corner, as tall as the window allows; not
   * in the top layer, so the page stays usable.
   */
  .panel {
    position: static;
    box-sizing: border-box;
    width: min(400px, calc(100vw - 40px));
    max-height: calc(100dvh - var(--chat-inset-block-end, 20px) - 20px);
    margin: 0;
    overflow-y: auto;
    padding: 12px 20px 16px;
    border: none;
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

  .panel[open] + .launcher {
    display: none;
  }

  /* A conversation takes the panel's height; its log scrolls inside. */
  .talk[open] {
    display: flex;
    flex-direction: column;
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
    padding: 4px;
    border: none;
    border-radius: 8px;
    background: transparent;
    color: var(--chat-text);
  }

  .status:empty {
    display: none;
  }

  .queued:focus {
    outline: none;
  }

  .queued,
  .chatting,
  .ended {
    margin: 16px 0 4px;
    font-size: 1.125rem;
    font-weight: 600;
  }

  .new-chat {
    margin-top: 12px;
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
