/**
 * How a config's build steps, argv lists and label values read on the page. Apart from format.ts, whose
 * formatters the first paint needs: these are only for the detail sections, loaded after the verdict.
 */

/** Docker's build noise removed: `/bin/sh -c #(nop) ` prefixes, `|2 A=b C=d /bin/sh -c` arg lists. */
export function cleanCommand(createdBy: string | undefined): string {
	if (!createdBy) return '';
	let s = createdBy.trim();
	s = s.replace(/^\|\d+(?:\s+\S+=\S*)*\s+(?=\/bin\/sh -c)/, '');
	s = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
	s = s.replace(/^\/bin\/sh -c\s+/, 'RUN ');
	s = s.replace(/^(RUN|COPY|ADD|CMD|ENTRYPOINT|ENV|LABEL|WORKDIR|USER|EXPOSE|VOLUME|ARG|SHELL|STOPSIGNAL|HEALTHCHECK|ONBUILD)\s+/, '$1 ');
	return s.replace(/\s*# buildkit$/, '');
}

/** A JSON-ish array as people write it in a Dockerfile: `["sh","-c","x"]`. */
export function formatArgv(argv: string[] | undefined | null): string {
	if (!argv || argv.length === 0) return '';
	return JSON.stringify(argv);
}

export function isUrl(s: string): boolean {
	return /^https?:\/\/[^\s]+$/i.test(s);
}
