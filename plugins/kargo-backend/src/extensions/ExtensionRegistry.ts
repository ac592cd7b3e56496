/**
 * Collects what backend modules contribute through an extension point, keyed
 * by name. Two contributions under one name are a wiring mistake, reported at
 * start-up rather than resolved silently by load order.
 */
export class ExtensionRegistry<T> {
  private readonly items = new Map<string, T>();

  constructor(
    private readonly what: string,
    private readonly keyOf: (item: T) => string,
  ) {}

  add(...items: T[]) {
    for (const item of items) {
      const key = this.keyOf(item);
      if (this.items.has(key)) {
        throw new Error(`${this.what} "${key}" is registered twice`);
      }
      this.items.set(key, item);
    }
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }

  all(): T[] {
    return [...this.items.values()];
  }
}
