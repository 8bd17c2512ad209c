export * from './enums.ts';
export * from './fields.ts';
export * from './members.ts';
export * from './topic.ts';
export * from './types.ts';
export * from './validate.ts';
export { en as fieldMessagesEn, type FieldMessages } from './messages/en.ts';
export { nb as fieldMessagesNb } from './messages/nb.ts';
