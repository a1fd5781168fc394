/** What domain code (pure, no I/O) may use from the kernel. */
export * from './errors.ts';
export * from './money.ts';
