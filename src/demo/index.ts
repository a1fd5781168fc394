/** The demo world seeded on first start of an empty embedded database. */
export { type DemoLogin, seedDemoWorld } from './seed.ts';
export { DEMO_OPENING_LIQUIDITY, DEMO_PARTICIPANTS } from './world.ts';
