/** The platform kernel's public interface: the only file of src/platform other modules import. */
export * from './clock.ts';
export * from './config.ts';
export * from './db/index.ts';
export * from './errors.ts';
export * from './logger.ts';
export * from './money.ts';
