import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../model';
import { compareHistory } from './history';

const step = (created_by: string, empty = false): HistoryEntry => ({ created_by, ...(empty ? { empty_layer: true } : {}) });

describe('compareHistory', () => {
	it('aligns equal steps and pairs a replaced step as changed', () => {
		const a = [step('ADD rootfs /'), step('ENV V=1.4', true), step('COPY app-1.4 /app'), step('CMD ["/app"]', true)];
		const b = [step('ADD rootfs /'), step('ENV V=1.5', true), step('COPY app-1.5 /app'), step('CMD ["/app"]', true)];
		const rows = compareHistory(a, b);
		expect(rows.map((r) => r.status)).toEqual(['same', 'changed', 'changed', 'same']);
		expect(rows[2]).toEqual({ status: 'changed', a: a[2], b: b[2] });
	});

	it('lists added and removed steps on their own side', () => {
		const rows = compareHistory([step('ADD /'), step('RUN a')], [step('ADD /'), step('RUN a'), step('RUN b'), step('USER app', true)]);
		expect(rows.map((r) => r.status)).toEqual(['same', 'same', 'b', 'b']);
		expect(compareHistory([step('ADD /'), step('RUN x')], [step('ADD /')]).map((r) => r.status)).toEqual(['same', 'a']);
	});

	it('a command that made a layer differs from the same command that did not', () => {
		expect(compareHistory([step('RUN x')], [step('RUN x', true)]).map((r) => r.status)).toEqual(['changed']);
	});

	it('equal histories are all the same, empty ones give no rows', () => {
		const h = [step('ADD /'), step('RUN a')];
		expect(compareHistory(h, h).every((r) => r.status === 'same')).toBe(true);
		expect(compareHistory([], [])).toEqual([]);
	});
});
