/**
 * SLSA provenance v0.2 and v1 predicates, reduced to what people read: who built it, how, from
 * which source, with which parameters and inputs. Fields are optional: builders fill them unevenly.
 */
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';

export interface Material {
	uri: string;
	digest: Record<string, string>;
}

export interface Provenance {
	version: 'v0.2' | 'v1';
	builderId?: string;
	buildType?: string;
	sourceUri?: string;
	sourceDigest?: Record<string, string>;
	entryPoint?: string;
	/** Build parameters as written (external and internal for v1). */
	parameters: Record<string, unknown>;
	materials: Material[];
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function digestMap(v: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, d] of Object.entries(obj(v))) if (typeof d === 'string') out[k] = d;
	return out;
}

function materials(v: unknown): Material[] {
	if (!Array.isArray(v)) return [];
	return v.flatMap((m) => {
		const o = obj(m);
		const uri = str(o.uri) ?? str(o.name);
		return uri === undefined ? [] : [{ uri, digest: digestMap(o.digest) }];
	});
}

/** The provenance in a statement's predicate, or null when the predicate type is not SLSA. */
export function readProvenance(predicateType: string, predicate: unknown): Provenance | null {
	const p = obj(predicate);
	if (predicateType === SLSA_V02) {
		const invocation = obj(p.invocation);
		const config = obj(invocation.configSource);
		return {
			version: 'v0.2',
			builderId: str(obj(p.builder).id),
			buildType: str(p.buildType),
			sourceUri: str(config.uri),
			sourceDigest: digestMap(config.digest),
			entryPoint: str(config.entryPoint),
			parameters: obj(invocation.parameters),
			materials: materials(p.materials)
		};
	}
	if (predicateType === SLSA_V1) {
		const def = obj(p.buildDefinition);
		const external = obj(def.externalParameters);
		// BuildKit puts the source in externalParameters.configSource; others vary by buildType.
		const config = obj(external.configSource);
		const workflow = obj(external.workflow);
		return {
			version: 'v1',
			builderId: str(obj(obj(p.runDetails).builder).id),
			buildType: str(def.buildType),
			sourceUri: str(config.uri) ?? str(workflow.repository) ?? str(external.source),
			sourceDigest: digestMap(config.digest),
			entryPoint: str(config.path) ?? str(workflow.path),
			parameters: {
				...external,
				...(Object.keys(obj(def.internalParameters)).length ? { internalParameters: def.internalParameters } : {})
			},
			materials: materials(def.resolvedDependencies)
		};
	}
	return null;
}
