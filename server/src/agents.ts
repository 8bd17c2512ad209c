/** Adding agents and issuing their tokens: shared by the admin command and the start-up. */
import { newSecret, sha256 } from './auth.ts';
import { hashPassword } from './passwords.ts';
import type { AssociateRow, ChatStore } from './store.ts';

export const MIN_PASSWORD_LENGTH = 8;
const USER_NAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;

export class AgentError extends Error {}

export function checkUserName(userName: string): void {
  if (!USER_NAME.test(userName)) {
    throw new AgentError('A user name is 1 to 64 letters, digits or . _ @ + - (no spaces).');
  }
}

export async function addAgent(
  store: ChatStore,
  { userName, password, fullName = '', now = Date.now() }: { userName: string; password: string; fullName?: string; now?: number },
): Promise<AssociateRow> {
  checkUserName(userName);
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AgentError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const associate = store.createAssociate({
    user_name: userName,
    full_name: fullName,
    password_hash: await hashPassword(password),
    created_at: now,
  });
  if (!associate) throw new AgentError(`There is already an agent named "${userName}".`);
  return associate;
}

/** Creates the agent unless one by that name exists; true when it was created. */
export async function ensureAgent(store: ChatStore, userName: string, password: string): Promise<boolean> {
  if (store.findAssociate(userName)) return false;
  await addAgent(store, { userName, password, fullName: userName });
  return true;
}

/** A new Bearer token for the agent; only its hash is kept, so this is the one chance to see it. */
export function createToken(store: ChatStore, associate: AssociateRow, now = Date.now()): string {
  const token = newSecret();
  store.addCredential({
    secret_hash: sha256(token),
    kind: 'token',
    associate_id: associate.id,
    xsrf_hash: null,
    created_at: now,
    expires_at: null,
  });
  return token;
}
