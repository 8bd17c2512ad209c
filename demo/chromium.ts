/**
 * How tests and tools start the system Chromium (Debian's package) headless. The flags live in
 * chromium-args.json so the widget's test runner config, plain JavaScript, reads the same ones.
 */
import args from './chromium-args.json' with { type: 'json' };

export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const chromiumArgs: string[] = args;
