/**
 * `@property()` and `@state()` for the widget's legacy (experimental) decorators. Lit's own
 * also carry the code for standard decorators, which this build never calls (Vite's build
 * keeps standard decorators as written, so the widget compiles the legacy kind): 0.2 kB gzip
 * of the bundle's budget. These are Lit's legacy path, through its public `createProperty`.
 */
import type { PropertyDeclaration, ReactiveElement } from 'lit';

export function property(options?: PropertyDeclaration) {
  return (proto: ReactiveElement, name: string): void => {
    (proto.constructor as typeof ReactiveElement).createProperty(name, options);
  };
}

/** A reactive property that is internal state: no attribute, not part of the public surface. */
export function state(options?: PropertyDeclaration) {
  return property({ ...options, state: true, attribute: false });
}
