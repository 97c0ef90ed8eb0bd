// Build variants as the server lists them (`outputVariants` of pixi-lsp.previewRecipe): one output per
// variant, each with its recipe and variants.yaml as pixi-recipe: documents. Pure; unit-tested
// (variantCommands.ts shows them).

/** One output variant of a recipe preview. */
export interface OutputVariant {
  /** `<output name>/<hash>`: what pixi-lsp.compareVariants takes (outputs of one recipe may share a hash). */
  id: string;
  hash: string;
  name: string;
  version: string;
  build: string;
  subdir: string;
  /** The variant's values, `target_platform` included. */
  variant: Record<string, string>;
  /** "name build (key=value, …)", from the server. */
  label: string;
  /** Its recipe document (pixi-recipe:…/variants/<name>/<hash>/recipe.yaml). */
  uri: string;
  /** Its variants.yaml document. */
  variantsUri: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The well-formed entries of a preview result's `outputVariants` (none from an older server). */
export function parseOutputVariants(result: unknown): OutputVariant[] {
  const list = (result as { outputVariants?: unknown } | null)?.outputVariants;
  if (!Array.isArray(list)) {
    return [];
  }
  const out: OutputVariant[] = [];
  for (const v of list as Record<string, unknown>[]) {
    const hash = str(v?.hash);
    const uri = str(v?.uri);
    const variantsUri = str(v?.variantsUri);
    if (!hash || !uri || !variantsUri) {
      continue;
    }
    const variant: Record<string, string> = {};
    if (v.variant && typeof v.variant === 'object') {
      for (const [k, x] of Object.entries(v.variant as Record<string, unknown>)) {
        if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') {
          variant[k] = String(x);
        }
      }
    }
    const parsed: OutputVariant = {
      id: str(v.id) ?? hash,
      hash,
      name: str(v.name) ?? '?',
      version: str(v.version) ?? '?',
      build: str(v.build) ?? '?',
      subdir: str(v.subdir) ?? '?',
      variant,
      label: '',
      uri,
      variantsUri,
    };
    parsed.label = str(v.label) || `${parsed.name} ${parsed.build} (${valuesText(variant) || parsed.subdir})`;
    out.push(parsed);
  }
  return out;
}

/** "key=value, …" of a variant, sorted, without `target_platform` (that is the output's subdir). */
export function valuesText(variant: Record<string, string>): string {
  return Object.keys(variant)
    .filter((k) => k !== 'target_platform')
    .sort()
    .map((k) => `${k}=${variant[k]}`)
    .join(', ');
}

/** A quick pick entry of a variant: name and build string, its values, version and platform. */
export interface VariantPickItem {
  label: string;
  description: string;
  detail: string;
  variant: OutputVariant;
}

export function pickItem(v: OutputVariant): VariantPickItem {
  return {
    label: `${v.name} ${v.build}`,
    description: valuesText(v.variant) || v.subdir,
    detail: `${v.name} ${v.version} for ${v.subdir}`,
    variant: v,
  };
}

/** The title of the diff editor comparing two variants. */
export function comparisonTitle(leftLabel: string, rightLabel: string): string {
  return `${leftLabel} ↔ ${rightLabel}`;
}

/** One side of a comparison: the variant values, then the recipe (as the server's unified diff has
 *  them), so the diff shows what differs in both — often only the values. */
export function sideText(values: string, recipe: string): string {
  return `# variants.yaml\n${values.trim()}\n# recipe.yaml\n${recipe}`;
}

const SIDE = 'variants-and-recipe.yaml';
// pixi-recipe:<manifest>/variants/<output name>/<hash>/…
const VARIANT_DOC = /^(.*\/variants\/[^/]+\/[^/]+)\/(recipe|variants)\.yaml$/;

/** The client's document of one comparison side, beside the variant's own documents. */
export function sideUri(recipeUri: string): string {
  const m = VARIANT_DOC.exec(recipeUri);
  return m ? `${m[1]}/${SIDE}` : `${recipeUri}.${SIDE}`;
}

/** The server documents a comparison side is made of; undefined for other documents. */
export function sideParts(uri: string): { variants: string; recipe: string } | undefined {
  const m = /^(.*\/variants\/[^/]+\/[^/]+)\/variants-and-recipe\.yaml$/.exec(uri);
  return m ? { variants: `${m[1]}/variants.yaml`, recipe: `${m[1]}/recipe.yaml` } : undefined;
}

/** The variants.yaml of a variant's recipe document (and the other way round); undefined for other documents. */
export function companionUri(uri: string): string | undefined {
  const m = VARIANT_DOC.exec(uri);
  if (!m) {
    return undefined;
  }
  return `${m[1]}/${m[2] === 'recipe' ? 'variants' : 'recipe'}.yaml`;
}

/** One artifact of a build (`result.builds`): what it is, for variants that differ in build string. */
export interface BuiltVariant {
  path?: string;
  name?: string;
  version?: string;
  build?: string;
  subdir?: string;
  cached?: boolean;
}

const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The message shown when a build of one variant (`values`: its "key=value, …") finished. */
export function variantBuildSummary(result: { builds?: BuiltVariant[]; artifacts?: string[] } | null | undefined, values: string): string {
  const builds: BuiltVariant[] = Array.isArray(result?.builds) ? result.builds : (result?.artifacts ?? []).map((path) => ({ path }));
  if (builds.length === 0) {
    return `Build of variant ${values} finished, but produced no artifacts.`;
  }
  const files = builds.map((b) => (b.path ? fileName(b.path) : `${b.name}-${b.version}-${b.build}`) + (b.cached ? ' (cached)' : ''));
  return `Built ${builds.length} package${builds.length === 1 ? '' : 's'} (variant ${values}): ${files.join(', ')}`;
}

/** Log lines for each artifact of a build: name, version, build string, platform and path. */
export function builtVariantLines(result: { builds?: BuiltVariant[] } | null | undefined): string[] {
  return (Array.isArray(result?.builds) ? result.builds : []).map(
    (b) => `${b.name} ${b.version} ${b.build} (${b.subdir})${b.cached ? ' (cached)' : ''}: ${b.path}`,
  );
}
