/**
 * @peculiar/x509 resolves its algorithms through tsyringe, which refuses to load without the Reflect
 * metadata API ("tsyringe requires a reflect polyfill"). The package's README asks for `reflect-metadata`,
 * which is not a dependency yet; until it is, this installs the three functions tsyringe calls. Each is
 * defined only when missing, so a real polyfill loaded earlier wins. Must be imported before
 * @peculiar/x509 is.
 */
type Key = unknown;
type Target = object;

const store = new WeakMap<Target, Map<Key, unknown>>();
const R = Reflect as unknown as {
  defineMetadata?: (key: Key, value: unknown, target: Target) => void;
  getOwnMetadata?: (key: Key, target: Target) => unknown;
  getMetadata?: (key: Key, target: Target) => unknown;
};

R.defineMetadata ??= (key, value, target) => {
  let m = store.get(target);
  if (!m) store.set(target, (m = new Map()));
  m.set(key, value);
};
R.getOwnMetadata ??= (key, target) => store.get(target)?.get(key);
R.getMetadata ??= (key, target) => {
  for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
    const m = store.get(t);
    if (m?.has(key)) return m.get(key);
  }
  return undefined;
};
