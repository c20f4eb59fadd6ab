/**
 * SBOM documents, SPDX 2.x JSON and CycloneDX JSON, reduced to a package table. The documents come
 * from verified layer bytes (or a verified in-toto statement's predicate).
 */
import { decodeJson } from '../fields';
import { RegscopeError } from '../errors';

export interface SbomPackage {
	name: string;
	version: string;
	license: string;
	purl: string;
}

export interface Sbom {
	format: 'SPDX' | 'CycloneDX';
	/** `SPDX-2.3`, `1.5`… */
	version: string;
	/** Document name (SPDX) or the described component (CycloneDX). */
	name: string;
	created?: string;
	packages: SbomPackage[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `NOASSERTION` and `NONE` say there is no license, not that the license is called that. */
function spdxLicense(p: Obj): string {
	for (const v of [p.licenseConcluded, p.licenseDeclared]) {
		const s = str(v);
		if (s && s !== 'NOASSERTION' && s !== 'NONE') return s;
	}
	return '';
}

function spdxPurl(p: Obj): string {
	const ref = arr(p.externalRefs)
		.map(obj)
		.find((r) => (r.referenceCategory === 'PACKAGE-MANAGER' || r.referenceCategory === 'PACKAGE_MANAGER') && r.referenceType === 'purl');
	return ref ? str(ref.referenceLocator) : '';
}

/** CycloneDX `licenses` is either a list of `{license:{id|name}}` or one `{expression}`. */
function cdxLicense(c: Obj): string {
	return arr(c.licenses)
		.map(obj)
		.map((l) => str(l.expression) || str(obj(l.license).id) || str(obj(l.license).name))
		.filter(Boolean)
		.join(' AND ');
}

function cdxComponents(list: unknown, out: SbomPackage[]): void {
	for (const c of arr(list).map(obj)) {
		out.push({ name: str(c.name), version: str(c.version), license: cdxLicense(c), purl: str(c.purl) });
		cdxComponents(c.components, out);
	}
}

/** Reads an SBOM from a parsed JSON value; null when it is neither SPDX 2.x nor CycloneDX. */
export function readSbom(doc: unknown): Sbom | null {
	const o = obj(doc);
	if (typeof o.spdxVersion === 'string' && o.spdxVersion.startsWith('SPDX-2.')) {
		return {
			format: 'SPDX',
			version: o.spdxVersion,
			name: str(o.name),
			created: str(obj(o.creationInfo).created) || undefined,
			packages: arr(o.packages)
				.map(obj)
				.map((p) => ({ name: str(p.name), version: str(p.versionInfo), license: spdxLicense(p), purl: spdxPurl(p) }))
		};
	}
	if (o.bomFormat === 'CycloneDX') {
		const packages: SbomPackage[] = [];
		cdxComponents(o.components, packages);
		const meta = obj(o.metadata);
		return {
			format: 'CycloneDX',
			version: str(o.specVersion),
			name: str(obj(meta.component).name),
			created: str(meta.timestamp) || undefined,
			packages
		};
	}
	return null;
}

/** Parses SBOM bytes; throws INVALID_DOCUMENT when they are JSON of another kind. */
export function parseSbom(bytes: Uint8Array): Sbom {
	const sbom = readSbom(decodeJson(bytes, 'SBOM', 'INVALID_DOCUMENT'));
	if (!sbom) throw new RegscopeError('INVALID_DOCUMENT', 'the SBOM is neither SPDX 2.x JSON (spdxVersion) nor CycloneDX JSON (bomFormat)');
	return sbom;
}

/** Case-insensitive match on name, version, license or purl. */
export function filterPackages(packages: SbomPackage[], query: string): SbomPackage[] {
	const q = query.trim().toLowerCase();
	if (!q) return packages;
	return packages.filter((p) => `${p.name}\n${p.version}\n${p.license}\n${p.purl}`.toLowerCase().includes(q));
}
