import type { ConversationMessages } from '../../locale.ts';

/** العربية. */
export default {
  queued: (position) => `ترتيبك في قائمة الانتظار: ${position}.`,
  queuedHint: 'يُرجى إبقاء هذه الصفحة مفتوحة. سيكون أحدنا معك قريبًا.',
  ended: 'انتهت هذه المحادثة.',
  newChat: 'ابدأ محادثة جديدة',
  chatting: (agent) => (agent ? `أنت تتحدث مع ${agent}.` : 'أنت متصل. سيُرد عليك هنا.'),
  reconnecting: 'انقطع الاتصال. جارٍ إعادة الاتصال… يمكنك متابعة الكتابة: ستُرسل رسائلك عند عودة الاتصال.',
  log: 'المحادثة',
  you: 'أنت',
  sending: 'جارٍ الإرسال…',
  sent: 'أُرسلت',
  notSent: 'لم تُرسل.',
  retry: 'أرسل مرة أخرى',
  tooFast: 'لم تُرسل: أنت تكتب أسرع مما نستطيع استقباله. انتظر قليلًا ثم أرسل مرة أخرى.',
  endedNotSent: 'لم تُرسل: انتهت المحادثة.',
  typing: (agent) => `${agent ?? 'أحدهم'} يكتب…`,
  message: 'رسالتك',
  composerHint: 'مفتاح الإدخال يرسل، و Shift مع الإدخال يبدأ سطرًا جديدًا.',
  send: 'إرسال',
  endChat: 'إنهاء المحادثة',
  endFailed: 'تعذّر إنهاء المحادثة. تحقق من اتصالك وحاول مرة أخرى.',
  endedByAgent: (agent) => `أنهى ${agent} المحادثة.`,
  endedByVisitor: 'أنهيت المحادثة.',
} satisfies ConversationMessages;
