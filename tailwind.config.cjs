/** Loaded from src/app.css with @config; Tailwind 4 reads its theme extensions from here. */
module.exports = {
	darkMode: 'media',
	theme: {
		extend: {
			fontFamily: {
				mono: ['ui-monospace', 'SFMono-Regular', 'Menlo', 'Consolas', 'monospace']
			}
		}
	}
};
