export * from './enums.ts';
export * from './fields.ts';
export * from './types.ts';
export * from './validate.ts';
