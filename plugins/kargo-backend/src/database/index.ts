export type {
  KargoStore,
  ListCursor,
  ListOrder,
  ListQuery,
  ListResult,
  ResourceContent,
  ResourceKey,
  StoredResource,
} from './KargoStore';
export { DatabaseKargoStore } from './DatabaseKargoStore';
