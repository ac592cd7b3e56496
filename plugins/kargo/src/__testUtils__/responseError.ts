import { ResponseError } from '@backstage/errors';

/** The error KargoClient throws when the backend refuses with `status`. */
export async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  const response = new Response(
    JSON.stringify({
      error: { name, message },
      request: { method: 'POST', url: '/x' },
      response: { statusCode: status },
    }),
    {
      status,
      statusText: 'Refused',
      headers: { 'Content-Type': 'application/json' },
    },
  );
  return ResponseError.fromResponse(response as any);
}
