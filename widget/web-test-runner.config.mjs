// Browser tests of <chat-widget> in the system Chromium, against the real chat server.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

/** The test page's port: fixed, as the chat server allows its origin; CHAT_TEST_PAGE_PORT moves it. */
const PAGE_PORT = Number(process.env.CHAT_TEST_PAGE_PORT ?? 8765);
const pageOrigin = `http://127.0.0.1:${PAGE_PORT}`;
const root = fileURLToPath(new URL('..', import.meta.url));
/** The same Chromium flags the end-to-end tests use (demo/chromium-args.json). */
const chromiumArgs = JSON.parse(readFileSync(new URL('../demo/chromium-args.json', import.meta.url), 'utf8'));

/** Starts `server/src/main.ts` on a free port with a throwaway database; resolves its URL. */
function startChatServer(env = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      CHAT_DB: ':memory:',
      CHAT_ALLOWED_ORIGINS: pageOrigin,
      CHAT_ADMIN_USER: 'admin',
      CHAT_ADMIN_PASSWORD: 'widget-tests',
      // The tests request many chats from one address; the limit gets its own server below.
      CHAT_RATE_LIMIT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`the chat server exited with ${code}: ${output}`)));
  });
}

const server = await startChatServer();
/** A server that takes one chat a minute from an address, as a visitor meets its limit. */
const limitedServer = await startChatServer({ CHAT_RATE_LIMIT: '1' });

/** A topic with its own settings, made as an agent would, for the tests of topic layouts. */
const adminAuthorization = `Basic ${Buffer.from('admin:widget-tests').toString('base64')}`;

async function createTopic(topic) {
  const response = await fetch(`${server.url}/api/v1/ChatTopic`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: adminAuthorization },
    body: JSON.stringify(topic),
  });
  if (!response.ok) throw new Error(`could not create the test topic: ${response.status} ${await response.text()}`);
  return (await response.json()).ChatTopicId;
}

const topicId = await createTopic({
  Name: 'Rentals',
  CollectConsent: true,
  AllowedOrigins: [pageOrigin],
  Widget: {
    RequiredFields: 'Email, Name',
    WelcomeTitle: 'Rent a bike',
    WelcomeMessage: 'We answer rental questions within minutes.',
    Color: '#0b6e4f',
    ConsentText: 'I agree that Nordhavn Cycles keeps my details for this chat.',
    PrivacyPolicyUrl: 'https://rent.example/privacy',
  },
});
/** A topic in German, with a light colour. */
const germanTopicId = await createTopic({
  Name: 'Werkstatt',
  Language: 'de',
  AllowedOrigins: [pageOrigin],
  Widget: { Color: '#ffd400' },
});

/** A topic that leaves out the display name, the company, the phone and the first message. */
const shortTopicId = await createTopic({
  Name: 'Returns',
  AllowedOrigins: [pageOrigin],
  Widget: { HiddenFields: 'Alias, Company, Phone, Message' },
});
/** A topic that requires the company, which topics leave out by default. */
const companyTopicId = await createTopic({
  Name: 'Business',
  AllowedOrigins: [pageOrigin],
  Widget: { RequiredFields: 'Company' },
});
/** A topic that asks for every field and requires four, with consent and a privacy link: the tallest form. */
const fullTopicId = await createTopic({
  Name: 'Fleet',
  CollectConsent: true,
  AllowedOrigins: [pageOrigin],
  Widget: {
    RequiredFields: 'Email, Name, Company, Phone',
    HiddenFields: 'None',
    WelcomeTitle: 'Bikes for your business',
    WelcomeMessage: 'Tell us about your company and we will put together an offer for your fleet.',
    ConsentText: 'I agree that Nordhavn Cycles keeps my details and my company\'s for this chat.',
    PrivacyPolicyUrl: 'https://rent.example/privacy',
  },
});

/**
 * What an agent does to a session (finish it, close it, pick it up), sent from here with the
 * admin's credentials, which a page of another origin never gets to use: a test calls
 * `executeServerCommand('set-chat-session-status', { id, status })`.
 */
const agentCommands = {
  name: 'agent-commands',
  async executeCommand({ command, payload }) {
    if (command !== 'set-chat-session-status') return undefined;
    const response = await fetch(`${server.url}/api/v1/ChatSession/${payload.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json', Authorization: adminAuthorization },
      body: JSON.stringify({ Status: payload.status }),
    });
    if (!response.ok) throw new Error(`could not set the status: ${response.status} ${await response.text()}`);
    return (await response.json()).Status;
  },
};

/**
 * A server whose rules are newer than the widget's: it refuses a field the widget let through,
 * as happens while a cached widget meets an upgraded server. The real server cannot disagree
 * with the widget it ships, so this one answers as such a server would.
 */
function newerServer(context, next) {
  if (context.path !== '/newer-server/api/v1/ChatSession') return next();
  context.status = 400;
  context.type = 'application/json; charset=utf-8';
  context.set('Content-Language', 'en');
  context.body = JSON.stringify({
    Error: true,
    ErrorType: 'SoValidationException',
    ErrorMessage: 'This email domain does not accept mail.',
    ErrorSource: '/api/v1/ChatSession',
    FieldErrors: [{ Field: 'CustomerEmail', Code: 'email', Message: 'This email domain does not accept mail.' }],
  });
}

/** The built widget loads locales/de.js beside itself; here the source serves locales/de.ts. */
function languageModules(context, next) {
  if (/^\/src\/locales\/[a-z]+\.js$/.test(context.path)) context.path = context.path.replace(/\.js$/, '.ts');
  return next();
}

export default {
  files: ['src/**/*.test.ts', '!src/budget.test.ts', '!src/manifest.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  hostname: '127.0.0.1',
  port: PAGE_PORT,
  concurrency: 1,
  middleware: [languageModules, newerServer],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    agentCommands,
    {
      name: 'stop-chat-server',
      serverStop() {
        server.child.kill('SIGTERM');
        limitedServer.child.kill('SIGTERM');
      },
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: chromiumArgs,
      },
    }),
  ],
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en">
      <body>
        <script>
          window.CHAT_SERVER_URL = ${JSON.stringify(server.url)};
          window.CHAT_LIMITED_SERVER_URL = ${JSON.stringify(limitedServer.url)};
          window.CHAT_TOPIC_ID = ${topicId};
          window.CHAT_GERMAN_TOPIC_ID = ${germanTopicId};
          window.CHAT_SHORT_TOPIC_ID = ${shortTopicId};
          window.CHAT_COMPANY_TOPIC_ID = ${companyTopicId};
          window.CHAT_FULL_TOPIC_ID = ${fullTopicId};
        </script>
        <script type="module" src="${testFramework}"></script>
      </body>
    </html>`,
};
