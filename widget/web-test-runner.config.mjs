// Browser tests of <chat-widget> in the system Chromium, against the real chat server.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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
/**
 * A server whose clocks run in seconds: a visitor gone for 2 s has left, a chat of theirs idle
 * for 2 s ends (ClosedByIdle), and an ended chat may be reopened for 3 s only.
 */
const idleServer = await startChatServer({ CHAT_VISITOR_GONE_AFTER: '2', CHAT_IDLE_AFTER: '2', CHAT_REOPEN_WITHIN: '3' });

/** A topic with its own settings, made as an agent would, for the tests of topic layouts. */
const adminAuthorization = `Basic ${Buffer.from('admin:widget-tests').toString('base64')}`;

async function createTopic(topic, on = server) {
  const response = await fetch(`${on.url}/api/v1/ChatTopic`, {
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

/** A topic whose agents greet the visitor when they pick a chat up: the conversation's tests. */
const welcomeTopicId = await createTopic({
  Name: 'Service',
  WelcomeMessage: 'Hi, I am here to help.',
  AllowedOrigins: [pageOrigin],
});

/** No day open: the topic is outside its opening hours whenever a test runs. */
const neverOpen = {
  OpeningHoursEnabled: true,
  OpeningHours: Object.fromEntries(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((day) => [`${day}Enabled`, false])),
};
/** A topic outside its opening hours: its offline form asks for the email and the name, and consent. */
const closedTopicId = await createTopic({
  Name: 'After hours',
  AllowedOrigins: [pageOrigin],
  ...neverOpen,
  OfflineCollectConsent: true,
  Widget: {
    OfflineHeader: 'We are closed',
    OfflineMessage: 'Leave your question and we will answer it tomorrow.',
    OfflineFields: 'Email, Name',
  },
});
/** A topic within its hours whose only agent has left it: nobody is there. Its offline form asks for a phone number. */
const awayTopicId = await createTopic({
  Name: 'Phone support',
  AllowedOrigins: [pageOrigin],
  OfflineCollectConsent: false,
  Widget: { OfflineFields: 'Phone' },
});
/** A topic that offers to leave a message to a visitor behind another, with its own queue line. */
const queueTopicId = await createTopic({
  Name: 'Busy desk',
  AllowedOrigins: [pageOrigin],
  UseQueueOfflineForm: true,
  OfflineFormTimeLimit: 0,
  OfflineFormQueueLength: 1,
  CustomQueueTextEnabled: true,
  CustomQueueText: 'Place {cque}. Average wait {cavw}.',
  Widget: { OfflineFields: 'Email, Phone', HiddenFields: 'Alias, Company, Phone, Message' },
});
/** A topic whose post-chat form has its own words; rating and the transcript are on. */
const afterTopicId = await createTopic({
  Name: 'Repairs',
  WelcomeMessage: 'Hi, I am here to help.',
  AllowedOrigins: [pageOrigin],
  WidgetEnableRating: true,
  WidgetRatingText: 'How was our help?',
  Widget: { PostFormEnabled: true, PostFormHeader: 'Thanks for visiting', PostFormMessage: 'Tell us how it went.', PostTranscriptEnabled: true },
});
/** A topic on the server of short times. */
const idleTopicId = await createTopic({ Name: 'Quick', AllowedOrigins: [pageOrigin] }, idleServer);

/** Calls the chat server as the admin agent; resolves the answer's JSON (null for none). */
async function asAgent(method, path, body, contentType = 'application/json', on = server) {
  const response = await fetch(`${on.url}/api/v1/${path}`, {
    method,
    headers: { Authorization: adminAuthorization, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} as the agent: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/**
 * What an agent does to a session (pick it up, write, type, end it, close it, delete it) and
 * reads of it, sent from here with the admin's credentials, which a page of another origin never
 * gets to use: a test calls, say, `executeServerCommand('agent-says', { id, message })`.
 */
// The admin leaves the away topic: no agent of it is there.
await asAgent('POST', 'Agents/Chat/DeleteChatTopicUserAgent', { chatTopicId: awayTopicId, username: 'admin' });

const agentActions = {
  'debug-log': ({ text }) => { process.stderr.write(`DEBUG ${text}\n`); return true; },
  'set-chat-session-status': async ({ id, status }) =>
    (await asAgent('PATCH', `ChatSession/${id}`, { Status: status }, 'application/merge-patch+json')).Status,
  'pick-up': ({ id }) => asAgent('POST', `ChatSession/${id}/Pickup`),
  'agent-says': ({ id, message }) => asAgent('POST', `ChatSession/${id}/Messages`, { Message: message }),
  'agent-typing': ({ id, typing }) => asAgent('POST', `ChatSession/${id}/Typing`, { Typing: typing }),
  'agent-ends': ({ id }) => asAgent('POST', `ChatSession/${id}/End`),
  'delete-session': ({ id }) => asAgent('DELETE', `ChatSession/${id}`),
  'read-messages': ({ id }) => asAgent('GET', `ChatSession/${id}/Messages`),
  'read-session': ({ id }) => asAgent('GET', `ChatSession/${id}`),
  'read-ratings': () => asAgent('GET', 'ChatSession/Ratings'),
  // A chat made as an agent would: it waits in the topic's queue.
  'create-session': ({ topicId }) => asAgent('POST', 'ChatSession', { TopicId: topicId, CustomerName: 'Someone ahead' }),
  // The same on the server of short times.
  'idle-pick-up': ({ id }) => asAgent('POST', `ChatSession/${id}/Pickup`, undefined, undefined, idleServer),
  'idle-agent-ends': ({ id }) => asAgent('POST', `ChatSession/${id}/End`, undefined, undefined, idleServer),
  'idle-read-session': ({ id }) => asAgent('GET', `ChatSession/${id}`, undefined, undefined, idleServer),
};

const agentCommands = {
  name: 'agent-commands',
  async executeCommand({ command, payload }) {
    if (!Object.hasOwn(agentActions, command)) return undefined;
    // The runner takes null for "not this plugin's command": an answer without a body is true.
    return (await agentActions[command](payload)) ?? true;
  },
};

/**
 * A way to the chat server that a test can break, as a visitor's network breaks: `cut` ends every
 * connection through it (a dropped stream), `down` refuses new ones as well (offline), `up`
 * mends it. A test points the widget's server-url at it and calls
 * `executeServerCommand('chat-connection', { state: 'down' })`.
 */
function startBreakableProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let state = 'up';
  const proxy = createServer((client) => {
    if (state === 'down') return client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  return new Promise((resolve) => {
    proxy.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${proxy.address().port}`,
        set(next) {
          state = next === 'cut' ? state : next;
          if (next !== 'up') for (const socket of sockets) socket.destroy();
          return state;
        },
        close: () => proxy.close(),
      });
    });
  });
}

const breakable = await startBreakableProxy(server.url);

const connectionCommands = {
  name: 'chat-connection',
  executeCommand({ command, payload }) {
    return command === 'chat-connection' ? breakable.set(payload.state) : undefined;
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

/** The built widget loads locales/de.js and locales/conversation/de.js beside itself; here the source serves the .ts. */
function languageModules(context, next) {
  if (/^\/src\/locales\/(conversation\/)?[a-z]+\.js$/.test(context.path)) context.path = context.path.replace(/\.js$/, '.ts');
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
    connectionCommands,
    {
      name: 'stop-chat-server',
      serverStop() {
        breakable.close();
        server.child.kill('SIGTERM');
        limitedServer.child.kill('SIGTERM');
        idleServer.child.kill('SIGTERM');
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
          window.CHAT_WELCOME_TOPIC_ID = ${welcomeTopicId};
          window.CHAT_BREAKABLE_SERVER_URL = ${JSON.stringify(breakable.url)};
          window.CHAT_IDLE_SERVER_URL = ${JSON.stringify(idleServer.url)};
          window.CHAT_CLOSED_TOPIC_ID = ${closedTopicId};
          window.CHAT_AWAY_TOPIC_ID = ${awayTopicId};
          window.CHAT_QUEUE_TOPIC_ID = ${queueTopicId};
          window.CHAT_AFTER_TOPIC_ID = ${afterTopicId};
          window.CHAT_IDLE_TOPIC_ID = ${idleTopicId};
        </script>
        <script type="module" src="${testFramework}"></script>
      </body>
    </html>`,
};
