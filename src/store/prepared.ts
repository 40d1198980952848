import type { Db } from "./open.js";

/** `prepare` run once per connection: the statements a function uses for every project or row. */
export function preparedOnce<T>(prepare: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let found = cache.get(db);
    if (found === undefined) cache.set(db, (found = prepare(db)));
    return found;
  };
}
