export function defineSchema<M>(s: unknown): any { return s; }
