import { describe, expect, it } from 'vitest';
import type { Digest, ImageManifest } from '../model';
import { classifyReferrer, isArtifactManifest } from './kinds';
import { filterPackages, parseSbom } from './sbom';
import { readProvenance, SLSA_V02, SLSA_V1 } from './slsa';

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const D = `sha256:${'0'.repeat(64)}` as Digest;

describe('parseSbom', () => {
	it('SPDX 2.3: name, version, license (not NOASSERTION), purl from PACKAGE-MANAGER refs', () => {
		const sbom = parseSbom(
			enc({
				spdxVersion: 'SPDX-2.3',
				name: 'app',
				creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: x'] },
				packages: [
					{
						SPDXID: 'SPDXRef-a',
						name: 'musl',
						versionInfo: '1.2.4',
						licenseConcluded: 'NOASSERTION',
						licenseDeclared: 'MIT',
						externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/musl@1.2.4' }]
					},
					{
						SPDXID: 'SPDXRef-b',
						name: 'zlib',
						versionInfo: '1.3',
						licenseConcluded: 'NONE',
						externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3' }]
					}
				]
			})
		);
		expect(sbom).toMatchObject({ format: 'SPDX', version: 'SPDX-2.3', name: 'app', created: '2024-01-01T00:00:00Z' });
		expect(sbom.packages).toEqual([
			{ name: 'musl', version: '1.2.4', license: 'MIT', purl: 'pkg:apk/alpine/musl@1.2.4' },
			{ name: 'zlib', version: '1.3', license: '', purl: '' }
		]);
		expect(filterPackages(sbom.packages, 'MUSL').map((p) => p.name)).toEqual(['musl']);
		expect(filterPackages(sbom.packages, 'pkg:apk').length).toBe(1);
		expect(filterPackages(sbom.packages, ' ').length).toBe(2);
	});

	it('CycloneDX: license list or expression, nested components', () => {
		const sbom = parseSbom(
			enc({
				bomFormat: 'CycloneDX',
				specVersion: '1.5',
				metadata: { component: { name: 'app' } },
				components: [
					{
						type: 'library',
						name: 'a',
						version: '1',
						purl: 'pkg:npm/a@1',
						licenses: [{ license: { id: 'MIT' } }, { license: { name: 'Custom' } }],
						components: [{ name: 'a-sub', version: '2' }]
					},
					{ type: 'library', name: 'b', version: '3', licenses: [{ expression: 'Apache-2.0 OR MIT' }] }
				]
			})
		);
		expect(sbom.format).toBe('CycloneDX');
		expect(sbom.packages.map((p) => [p.name, p.license])).toEqual([
			['a', 'MIT AND Custom'],
			['a-sub', ''],
			['b', 'Apache-2.0 OR MIT']
		]);
	});

	it('refuses other JSON', () => {
		expect(() => parseSbom(enc({ hello: 1 }))).toThrow(/neither SPDX/);
	});
});

describe('readProvenance', () => {
	it('v0.2 (BuildKit)', () => {
		const p = readProvenance(SLSA_V02, {
			builder: { id: 'https://github.com/actions' },
			buildType: 'https://mobyproject.org/buildkit@v1',
			invocation: {
				configSource: { uri: 'https://github.com/o/r.git', digest: { sha1: 'abc' }, entryPoint: 'Dockerfile' },
				parameters: { args: { A: '1' } }
			},
			materials: [{ uri: 'pkg:docker/alpine@3.20', digest: { sha256: '00' } }]
		});
		expect(p).toEqual({
			version: 'v0.2',
			builderId: 'https://github.com/actions',
			buildType: 'https://mobyproject.org/buildkit@v1',
			sourceUri: 'https://github.com/o/r.git',
			sourceDigest: { sha1: 'abc' },
			entryPoint: 'Dockerfile',
			parameters: { args: { A: '1' } },
			materials: [{ uri: 'pkg:docker/alpine@3.20', digest: { sha256: '00' } }]
		});
	});
	it('v1 (BuildKit): configSource, resolvedDependencies, builder id', () => {
		const p = readProvenance(SLSA_V1, {
			buildDefinition: {
				buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
				externalParameters: {
					configSource: { uri: 'https://github.com/o/r.git#main', digest: { sha1: 'def' }, path: 'Dockerfile' },
					request: { args: { B: '2' } }
				},
				resolvedDependencies: [{ uri: 'pkg:docker/alpine@3.20?platform=linux%2Famd64', digest: { sha256: '11' } }]
			},
			runDetails: { builder: { id: 'https://example.com/builder' } }
		});
		expect(p).toMatchObject({
			version: 'v1',
			builderId: 'https://example.com/builder',
			sourceUri: 'https://github.com/o/r.git#main',
			entryPoint: 'Dockerfile',
			sourceDigest: { sha1: 'def' }
		});
		expect(p?.materials).toHaveLength(1);
		expect(p?.parameters).toHaveProperty('request');
	});
	it('null for other predicates', () => {
		expect(readProvenance('https://spdx.dev/Document', {})).toBeNull();
	});
});

describe('classifyReferrer', () => {
	const manifest = (layers: [string, Record<string, string>?][], extra: Partial<ImageManifest> = {}): ImageManifest => ({
		kind: 'image',
		mediaType: 'application/vnd.oci.image.manifest.v1+json',
		schemaVersion: 2,
		config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: D, size: 2 },
		layers: layers.map(([mediaType, annotations]) => ({ mediaType, digest: D, size: 1, ...(annotations ? { annotations } : {}) })),
		...extra
	});
	it.each([
		['cosign .sig', manifest([['application/vnd.dev.cosign.simplesigning.v1+json']]), 'signature'],
		['notation', manifest([['application/jose+json']], { artifactType: 'application/vnd.cncf.notary.signature' }), 'signature'],
		[
			'cosign .att SLSA',
			manifest([['application/vnd.dsse.envelope.v1+json', { predicateType: 'https://slsa.dev/provenance/v1' }]]),
			'attestation'
		],
		[
			'cosign .att SPDX only',
			manifest([['application/vnd.dsse.envelope.v1+json', { predicateType: 'https://spdx.dev/Document' }]]),
			'sbom'
		],
		[
			'buildx SBOM + provenance',
			manifest([
				['application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' }],
				['application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' }]
			]),
			'attestation'
		],
		['CycloneDX artifact', manifest([['application/vnd.cyclonedx+json']], { artifactType: 'application/vnd.cyclonedx+json' }), 'sbom'],
		[
			'cosign v3 sign bundle',
			manifest([['application/vnd.dev.sigstore.bundle.v0.3+json']], {
				artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
				annotations: {
					'dev.sigstore.bundle.content': 'dsse-envelope',
					'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1'
				}
			}),
			'signature'
		],
		[
			'cosign v3 attest bundle',
			manifest([['application/vnd.dev.sigstore.bundle.v0.3+json']], {
				artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
				annotations: {
					'dev.sigstore.bundle.content': 'dsse-envelope',
					'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1'
				}
			}),
			'attestation'
		],
		['unknown artifact', manifest([['application/octet-stream']], { artifactType: 'application/vnd.example.report' }), 'other']
	])('%s → %s', (_name, m, kind) => {
		expect(classifyReferrer(m)).toBe(kind);
	});
});

describe('isArtifactManifest', () => {
	const image = (config: string, layers: string[], artifactType?: string): ImageManifest => ({
		kind: 'image',
		mediaType: 'application/vnd.oci.image.manifest.v1+json',
		schemaVersion: 2,
		config: { mediaType: config, digest: D, size: 2 },
		layers: layers.map((mediaType) => ({ mediaType, digest: D, size: 1 })),
		...(artifactType ? { artifactType } : {})
	});
	const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
	it('an image with tar layers is not; cosign .sig, BuildKit attestations, empty-config artifacts are', () => {
		expect(isArtifactManifest(image(OCI_CONFIG, ['application/vnd.oci.image.layer.v1.tar+gzip']))).toBe(false);
		expect(isArtifactManifest(image(OCI_CONFIG, []))).toBe(false);
		expect(isArtifactManifest(image(OCI_CONFIG, ['application/vnd.dev.cosign.simplesigning.v1+json']))).toBe(true);
		expect(isArtifactManifest(image(OCI_CONFIG, ['application/vnd.in-toto+json']))).toBe(true);
		expect(isArtifactManifest(image('application/vnd.oci.empty.v1+json', ['application/octet-stream']))).toBe(true);
		expect(isArtifactManifest(image(OCI_CONFIG, ['application/vnd.oci.image.layer.v1.tar+gzip'], 'application/x-thing'))).toBe(true);
	});
});
