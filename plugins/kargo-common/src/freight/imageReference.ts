/*
 * Parsing of container image references the way Kargo parses them: with
 * go-containerregistry's pkg/name (v0.21.7, the version Kargo pins) using weak
 * validation and the default registry (index.docker.io). Only the parts that
 * decide the registry and repository are reproduced; tags and digests are
 * validated but not kept.
 *
 * Internal to the freight module; not part of the package's public API.
 */

import { parseGoURL } from './goUrl';
import { toByteString } from './goText';

/** Registry and repository of a parsed image reference. */
export interface ParsedImageRepository {
  /** Registry host[:port]; "index.docker.io" for Docker Hub (also when "docker.io" was written). */
  registry: string;
  /** Repository path, with Docker Hub's implicit "library/" namespace added. */
  repository: string;
}

export const DOCKER_HUB_REGISTRY = 'index.docker.io';
const DOCKER_HUB_ALIAS = 'docker.io';

const TAG_CHARS = /^[a-zA-Z0-9_\-.]+$/;
const REPOSITORY_CHARS = /^[a-z0-9_\-./]+$/;

function codePointLength(s: string): number {
  return [...s].length;
}

function checkTag(tag: string): boolean {
  const n = codePointLength(tag);
  return n >= 1 && n <= 128 && TAG_CHARS.test(tag);
}

function checkRepository(repository: string): boolean {
  // v0.21.7 requires at least two characters; later releases allow one.
  const n = codePointLength(repository);
  return n >= 2 && n <= 255 && REPOSITORY_CHARS.test(repository);
}

/** A registry must be exactly the host of "//" + name under Go's url.Parse. */
function checkRegistry(name: string): boolean {
  const bytes = toByteString(name);
  const url = parseGoURL(`//${bytes}`);
  return url !== null && url.host === bytes;
}

interface Repository {
  registry: string;
  repository: string;
}

function repositoryString(repo: Repository): string {
  if (!repo.repository.includes('/') && repo.registry === DOCKER_HUB_REGISTRY) {
    return `library/${repo.repository}`;
  }
  return repo.repository;
}

function newRegistry(name: string): string | null {
  if (!checkRegistry(name)) {
    return null;
  }
  if (name === '' || name === DOCKER_HUB_ALIAS) {
    return DOCKER_HUB_REGISTRY;
  }
  return name;
}

function newRepository(name: string): Repository | null {
  if (name.length === 0) {
    return null;
  }
  let registry = '';
  let repository = name;
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const maybeRegistry = name.slice(0, slash);
    if (maybeRegistry === 'localhost' || /[.:]/.test(maybeRegistry)) {
      registry = maybeRegistry;
      repository = name.slice(slash + 1);
    }
  }
  if (!checkRepository(repository)) {
    return null;
  }
  const reg = newRegistry(registry);
  return reg === null ? null : { registry: reg, repository };
}

function newTag(name: string): Repository | null {
  let base = name;
  const parts = name.split(':');
  const last = parts[parts.length - 1];
  if (parts.length > 1 && !last.includes('/')) {
    base = parts.slice(0, -1).join(':');
    if (last === '' || !checkTag(last)) {
      return null;
    }
  }
  return newRepository(base);
}

function newDigest(name: string): Repository | null {
  const parts = name.split('@');
  if (parts.length !== 2) {
    return null;
  }
  let base = parts[0];
  const digest = parts[1];
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    return null;
  }
  const tagged = newTag(base);
  if (tagged !== null) {
    base = `${tagged.registry}/${repositoryString(tagged)}`;
  }
  return newRepository(base);
}

/**
 * go-containerregistry's name.ParseReference(s, name.WeakValidation), reduced
 * to the registry and repository (RepositoryStr) of the result; null where it
 * returns an error.
 */
export function parseImageRepository(
  reference: string,
): ParsedImageRepository | null {
  const repo = newTag(reference) ?? newDigest(reference);
  if (repo === null) {
    return null;
  }
  return { registry: repo.registry, repository: repositoryString(repo) };
}
