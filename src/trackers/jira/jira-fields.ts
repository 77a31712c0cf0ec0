export interface FieldInfo {
  id: string;
  name: string;
  custom: boolean;
  /** `schema.type` of /field: number, string, option, array, user, ... */
  type: string | undefined;
}

export interface FieldIndex {
  byId: Map<string, FieldInfo>;
  /** Lower-cased display name → field; custom fields win over system fields of the same name. */
  byName: Map<string, FieldInfo>;
  /** Lower-cased display name → every field of that name (team-managed projects repeat names), custom first. */
  allByName: Map<string, FieldInfo[]>;
}

export interface RawField {
  id?: string;
  name?: string;
  custom?: boolean;
  schema?: { type: string };
}

export interface FieldCatalogOptions {
  load: () => Promise<RawField[]>;
  ttlMs: number;
  /** How old the list must be before a miss reads it again: a field that stays missing costs one read per interval. */
  refreshAfterMs: number;
  now: () => number;
}

export interface FieldCatalog {
  get(): Promise<FieldIndex>;
  /**
   * The list read again, for a caller that found it out of date (a name it lacks, an id Jira names otherwise),
   * unless the copy is younger than `refreshAfterMs`.
   */
  refresh(): Promise<FieldIndex>;
}

export function indexFields(raw: RawField[]): FieldIndex {
  const byId = new Map<string, FieldInfo>();
  const byName = new Map<string, FieldInfo>();
  const allByName = new Map<string, FieldInfo[]>();
  for (const field of raw) {
    if (!field.id || !field.name) continue;
    const info: FieldInfo = {
      id: field.id,
      name: field.name,
      custom: field.custom ?? false,
      type: field.schema?.type,
    };
    byId.set(info.id, info);
    const key = info.name.toLowerCase();
    if (!byName.get(key)?.custom) byName.set(key, info);
    const named = allByName.get(key) ?? [];
    allByName.set(
      key,
      info.custom
        ? [...named.filter((f) => f.custom), info, ...named.filter((f) => !f.custom)]
        : [...named, info],
    );
  }
  return { byId, byName, allByName };
}

/**
 * Field ids differ per site, so names are resolved through GET /field. The list changes only when an admin adds,
 * renames or deletes a field, so it is cached per adapter instance and reloaded after `ttlMs`, or sooner through
 * `refresh` when a caller meets such a change; concurrent callers share one load.
 */
export function createFieldCatalog(options: FieldCatalogOptions): FieldCatalog {
  let cached: { index: FieldIndex; at: number } | undefined;
  let loading: Promise<FieldIndex> | undefined;
  const youngerThan = (ms: number) => cached !== undefined && options.now() - cached.at < ms;
  function load(): Promise<FieldIndex> {
    loading ??= options
      .load()
      .then((raw) => {
        cached = { index: indexFields(raw), at: options.now() };
        return cached.index;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }
  return {
    get() {
      return cached && youngerThan(options.ttlMs) ? Promise.resolve(cached.index) : load();
    },
    refresh() {
      if (loading) return loading;
      return cached && youngerThan(options.refreshAfterMs) ? Promise.resolve(cached.index) : load();
    },
  };
}
