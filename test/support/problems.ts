/** Assertions on RFC 9457 problem answers, shared by the HTTP tests. */
import { expect } from 'vitest';
import type { ApiResponse } from './stack.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

export function expectProblem(res: ApiResponse, status: number, slug: string, title: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({
    type: `https://smart-registration.example/problems/${slug}`,
    title,
    status,
  });
}

/** A 400 validation problem whose `errors` name this field. */
export function expectInvalidField(res: ApiResponse, field: string): void {
  expectProblem(res, 400, 'validation', 'Invalid request');
  expect((res.body as Problem).errors?.map((e) => e.field)).toContain(field);
}

/**
 * The verify call's negative: the same status, body and headers as `reference` (another negative),
 * byte for byte, whatever the reason — only the date and the correlation id differ per response.
 */
export function expectUniformNegative(res: ApiResponse, reference: ApiResponse): void {
  expect(res.status).toBe(404);
  expect(res.text).toBe(reference.text);
  const comparable = (r: ApiResponse) =>
    [...r.headers.entries()].map(([name, value]) =>
      name === 'date' || name === 'x-correlation-id' ? [name, '(per response)'] : [name, value],
    );
  expect(comparable(res)).toEqual(comparable(reference));
}
