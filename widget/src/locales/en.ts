/**
 * The widget's words in English, the language it falls back to and the only one in its main
 * bundle. Another language is one more file like this one, named by its language code
 * (`de.ts` for German), with the same keys: the widget loads it when a page asks for it.
 */
export default {
  /** Text direction: `rtl` for Arabic, Hebrew, Persian… */
  dir: 'ltr' as 'ltr' | 'rtl',
  launcher: 'Chat with us',
  title: 'Chat with us',
  intro: 'Tell us who you are and we will connect you with the next free person.',
  close: 'Close chat',
  requiredNote: 'Fields marked * are required.',
  optional: '(optional)',
  alias: 'Display name',
  aliasHint: 'Shown to the person you chat with.',
  name: 'Full name',
  company: 'Company',
  email: 'Email',
  phone: 'Phone',
  firstMessage: 'Your question',
  consent: 'I agree that my details are stored and used to handle this chat.',
  privacy: 'How we handle your details',
  submit: 'Start chat',
  sending: 'Starting chat…',
  retry: 'Try again',
  networkError: 'We could not reach the chat service. Check your connection and try again.',
  refused: 'Chat is not available on this page right now.',
  rateLimited: 'You have asked for several chats in a short time. Please wait a minute and try again.',
  serverError: 'Something went wrong on our side. Please try again in a moment.',
  fixFields: 'Please correct the highlighted fields.',
  // What is wrong with a field, by the code the shared rules and the server give.
  too_long: (max: number) => `Use at most ${max} characters.`,
  characters: 'Remove the control characters or broken characters from this text.',
  emailFormat: 'Enter an email address like name@example.com.',
  phoneFormat: 'Enter a phone number using digits, spaces and + ( ) - . only.',
  required: 'Please fill in this field.',
  consentMissing: 'Please agree so that we can store your details for this chat.',
};
