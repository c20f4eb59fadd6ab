/**
 * A chunk's bytes as an ArrayBuffer to post with a transfer list: its own buffer when the caller may give it
 * up and the view covers all of it (no copy), else a copy (a view into a larger buffer, or bytes the caller
 * still needs).
 */
export function transferable(chunk: Uint8Array, mayTake: boolean): ArrayBuffer {
	const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
	return mayTake && whole ? (chunk.buffer as ArrayBuffer) : chunk.slice().buffer;
}
